# shellcheck shell=bash
# shellcheck disable=SC2034 # the layout names are for the test scripts
# Two machines of one agent (codex, claude, gemini, pi) built by the agent-tree
# generator, each with the config `init-config --agent KIND` writes. Source
# after lib.sh:
#   source "$CS_E2E_DIR/agents_lib.sh"
#
# agent_setup KIND [make options...]: $AG_A and $AG_B (the agents' state
# folders; A filled by `agent_tree make`, B empty), $AG_CLOUD (the cloud
# folder) and $AG_MIRROR (the mirror in it), $AG_CFG_A and $AG_CFG_B.
agent_setup() {
  local kind="$1"
  shift
  AG_KIND="$kind"
  AG_A="$T/$kind/machine-a/state"
  AG_B="$T/$kind/machine-b/state"
  AG_CLOUD="$T/$kind/cloud"
  AG_MIRROR="$AG_CLOUD/sync"
  AG_CFG_A="$T/$kind/machine-a/codexsync.toml"
  AG_CFG_B="$T/$kind/machine-b/codexsync.toml"
  mkdir -p "$AG_A" "$AG_B" "$AG_CLOUD"
  agent_tree make --agent "$kind" --root "$AG_A" "$@"
  local which cfg state
  for which in a b; do
    cfg="$T/$kind/machine-$which/codexsync.toml"
    state="$T/$kind/machine-$which/state"
    run_cs init-config --agent "$kind" --output "$cfg" --machine-id "$kind-$which" --local-state-dir "$state" \
      --workspace-root "$AG_CLOUD"
    assert_exit 0
    # No real agent process may stop the test, and one look is enough.
    agent_config "$cfg" process_detection process_names '["codexsync-e2e-none"]'
    agent_config "$cfg" process_detection grace_period_seconds 0
  done
}

# agent_config FILE SECTION KEY VALUE: see put_config_file in lib.sh.
agent_config() { put_config_file "$@"; }

# ag_a ARGS... / ag_b ARGS...: run_cs with machine A's / B's config.
ag_a() { run_cs -c "$AG_CFG_A" "$@"; }
ag_b() { run_cs -c "$AG_CFG_B" "$@"; }

# ag_sync a|b: `sync --apply` on that machine, which must exit 0.
ag_sync() {
  if [[ "$1" == a ]]; then ag_a sync --apply; else ag_b sync --apply; fi
  assert_exit 0
}

# ag_list KIND-OF-FILE ROOT: what the generator lists of that kind below ROOT.
ag_list() { "$AGENT_TREE" list --agent "$AG_KIND" --root "$2" --kind "$1"; }
