# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the test scripts
# Helpers for the secret-guard end-to-end tests (test_secrets_*); source after
# lib.sh.
#
#   $FAKE_TOKEN            a synthetic GitHub token: the real prefix, charset
#                          and length, a random body; assembled here so that no
#                          file of the repository holds one whole
#   $FAKE_TOKEN_SHOWN      how codexsync shows it: "ghp_****(40 chars)"
#   plant_token a|b PATH   writes a skill at PATH in the machine's agent
#                          folder whose line 4 holds $FAKE_TOKEN
#   plan_json_check PYTHON_EXPR...
#                          like json_check, on the first of the JSON documents
#                          on stdout: a run that stops after printing its plan
#                          with --json prints the plan, then the error
#   assert_token_only_in FILE...
#                          $FAKE_TOKEN is in exactly these files below the
#                          sandbox: not in any output (the captured stdout and
#                          stderr are there too), log, run record, journal,
#                          baseline, backup or mirror file

FAKE_TOKEN="gh""p_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"
FAKE_TOKEN_SHOWN='ghp_****(40 chars)'

plant_token() {
  put_file "$(state_dir "$1")/$2" "# My skill

Push with:
  git push https://me:$FAKE_TOKEN@github.com/me/repo
"
}

assert_token_only_in() {
  local found expected
  found="$(grep -rlF -- "$FAKE_TOKEN" "$T" | LC_ALL=C sort || true)"
  expected="$(printf '%s\n' "$@" | LC_ALL=C sort)"
  [[ "$found" == "$expected" ]] ||
    cs_fail "the planted token is somewhere it must not be" "expected only in: $*" "found in:" "$found"
}

plan_json_check() {
  local expr
  for expr in "$@"; do
    python3 -c 'import json,sys; d=json.JSONDecoder().raw_decode(open(sys.argv[1]).read())[0]; sys.exit(0 if eval(sys.argv[2]) else 1)' \
      "$CS_RUN/stdout" "$expr" 2>"$CS_RUN/json_check.err" ||
      cs_fail "expected the plan JSON on stdout to satisfy: $expr" "$(cat "$CS_RUN/json_check.err")"
  done
}
