# shellcheck shell=bash
# Two Syncthing instances on 127.0.0.1 carrying one folder between two
# simulated machines: a real cloud-folder engine (temp files, partial
# deliveries, files arriving in any order) instead of one shared $CLOUD.
# Source after lib.sh:
#   source "$CS_E2E_DIR/syncthing_lib.sh"
#
#   st_require                 skips the test unless syncthing, python3 and timeout(1) are here
#   st_start DIR_A DIR_B       two instances sharing folder id "cloud": DIR_A on instance 1,
#                              DIR_B on instance 2; returns once both answer and are connected
#   st_scan                    asks both to rescan the folder now
#   st_pause / st_resume       the two stop carrying anything / carry again
#   st_wait_in_sync [SECONDS]  rescans, then waits until both hold the same files (default 30 s)
#   st_stop                    stops exactly the processes st_start started (the EXIT trap does it)
#   st_init_config_for a|b DIR init_config_for with DIR as the machine's workspace root
#
# Nothing leaves the machine: each instance listens on 127.0.0.1 only, with
# global and local discovery, relays, NAT traversal, usage reports, crash
# reports and upgrades off. Everything (homes, databases, logs) is below
# $ST_ROOT = $T/syncthing; the logs are printed when the test fails.
#
# The whole workspace folder is carried, as a cloud client carries it: the
# mirror (sync/), backups/, .tmp/ (journals, locks), conflicts/ and state/
# (baselines, machine and delivery records). No ignore patterns.
#
# Environment: CODEXSYNC_ST_WATCHER=false turns the folder watcher off (then
# only the 1 s rescan finds changes).

ST_ROOT="$T/syncthing"
ST_PIDS=()
ST_ID=()
ST_GUI=()
ST_KEY=()
ST_LOG=()
# Set before st_start: each instance receives at most this many KiB/s (0: no
# limit), so that a delivery of a few MB takes long enough to be watched.
ST_RECV_KIBPS=0
# Upper bound on each instance's life, whatever happens to this script: it
# runs under timeout(1), so it is gone even when the test is killed hard.
ST_LIFETIME_SECONDS=240
# And when setpriv is here, the kernel ends them when their parent dies
# (--pdeathsig): the timeout(1) gets SIGTERM when this script is killed
# outright (no trap runs), the instance SIGKILL when its timeout(1) is killed.
ST_GUARD_OUTER=()
ST_GUARD_INNER=()
if command -v setpriv >/dev/null 2>&1 && setpriv --pdeathsig TERM true >/dev/null 2>&1; then
  ST_GUARD_OUTER=(setpriv --pdeathsig TERM)
  ST_GUARD_INNER=(setpriv --pdeathsig KILL)
fi

# st_require: skips the test (exit 77, reported as Skipped) when what the
# Syncthing tests need is not installed.
st_require() {
  command -v syncthing >/dev/null 2>&1 ||
    skip_test "syncthing is not installed (scripts/install-deps.sh installs it: apt-get install syncthing)"
  command -v python3 >/dev/null 2>&1 || skip_test "python3 is not installed; it edits Syncthing's config and talks to its REST API"
  command -v timeout >/dev/null 2>&1 || skip_test "timeout(1) is not installed; it bounds each Syncthing process's life"
}

# st_skip REASON: stops what st_start started, then skip_test (which drops the
# EXIT trap).
st_skip() {
  st_stop
  skip_test "$@"
}

# st_py COMMAND ARGS...: the Python half of this file (config editing, REST
# polling); see the commands at the end of the script.
st_py() {
  python3 - "$@" <<'PY'
import copy, json, os, random, socket, sys, time, urllib.request
import xml.etree.ElementTree as ET

def free_ports(n):
    # Below Linux's ephemeral range (32768+), so no outgoing connection holds one.
    got, socks = [], []
    rnd = random.Random()
    while len(got) < n:
        p = rnd.randint(20000, 32000)
        if p in got:
            continue
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            s.close()
            continue
        socks.append(s)
        got.append(p)
    for s in socks:
        s.close()
    print(" ".join(map(str, got)))

def set_child(parent, tag, text):
    el = parent.find(tag)
    if el is None:
        el = ET.SubElement(parent, tag)
    el.text = text

def edit(path, self_id, other_id, gui, listen, other_listen, apikey, folder, watcher, recv_kbps):
    tree = ET.parse(path)
    root = tree.getroot()
    gui_el = root.find("gui")
    gui_el.set("tls", "false")
    set_child(gui_el, "address", "127.0.0.1:%s" % gui)
    set_child(gui_el, "apikey", apikey)
    opts = root.find("options")
    for el in opts.findall("listenAddress"):
        opts.remove(el)
    la = ET.SubElement(opts, "listenAddress")
    la.text = "tcp://127.0.0.1:%s" % listen
    for tag, value in [("globalAnnounceEnabled", "false"), ("localAnnounceEnabled", "false"),
                       ("relaysEnabled", "false"), ("natEnabled", "false"), ("startBrowser", "false"),
                       ("urAccepted", "-1"), ("crashReportingEnabled", "false"),
                       ("autoUpgradeIntervalH", "0"), ("announceLANAddresses", "false"),
                       ("reconnectionIntervalS", "1"), ("setLowPriority", "false"),
                       ("stunServer", ""), ("globalAnnounceServer", ""),
                       ("maxRecvKbps", recv_kbps), ("limitBandwidthInLan", "true")]:
        set_child(opts, tag, value)
    mhf = opts.find("minHomeDiskFree")
    if mhf is not None:
        mhf.text = "0"
    for el in root.findall("device"):
        if el.get("id") != self_id:
            root.remove(el)
    dev = ET.SubElement(root, "device", {"id": other_id, "name": "peer", "compression": "metadata",
                                         "introducer": "false"})
    # "dynamic" (with discovery off: no address) makes this side wait for the
    # other to dial: two sides dialling each other at once can both stall in
    # the Hello exchange until its 20 s timeout.
    set_child(dev, "address", "tcp://127.0.0.1:%s" % other_listen if other_listen != "-" else "dynamic")
    for el in root.findall("folder"):
        root.remove(el)
    # The folder starts as a copy of this Syncthing's defaults for new folders,
    # so everything not set here (conflict copies: maxConflicts 10, the
    # .stfolder marker, ...) is what a user's Syncthing does. Elements left out
    # would read as 0: maxConflicts 0 means no conflict copies at all.
    template = root.find("defaults/folder")
    f = copy.deepcopy(template) if template is not None else ET.Element("folder")
    for d in f.findall("device"):
        f.remove(d)
    f.attrib.update({"id": "cloud", "label": "cloud", "path": folder, "type": "sendreceive",
                     "rescanIntervalS": "1", "fsWatcherEnabled": watcher, "fsWatcherDelayS": "1"})
    for i, d in enumerate((self_id, other_id)):
        f.insert(i, ET.Element("device", {"id": d, "introducedBy": ""}))
    set_child(f, "minDiskFree", "0")
    f.find("minDiskFree").set("unit", "%")
    root.append(f)
    # Smallest files first: small records arrive before a big chat, the order
    # that leaves a receiver looking at a half-delivered folder longest.
    set_child(f, "order", "smallestFirst")
    # A failed pull (a file that changed or vanished meanwhile: a lock, a
    # record) is retried after 1 s instead of a minute.
    set_child(f, "pullerPauseS", "1")
    tree.write(path)

def inst(i):
    return {"gui": os.environ["ST_GUI_%d" % i], "key": os.environ["ST_KEY_%d" % i],
            "id": os.environ["ST_ID_%d" % i], "pid": int(os.environ["ST_PID_%d" % i])}

def rest(i, path, method="GET"):
    it = inst(i)
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (it["gui"], path), method=method,
                                 headers={"X-API-Key": it["key"]})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body.strip() else None

def alive(i):
    try:
        os.kill(inst(i)["pid"], 0)
        return True
    except OSError:
        return False

def wait_up(timeout, which):
    end = time.monotonic() + timeout
    pending = set(int(i) for i in which)
    while pending and time.monotonic() < end:
        for i in sorted(pending):
            if not alive(i):
                print("instance %d (pid %d) exited" % (i, inst(i)["pid"]), file=sys.stderr)
                sys.exit(2)
            try:
                rest(i, "/rest/system/ping")
                pending.discard(i)
            except Exception:
                pass
        time.sleep(0.2)
    if pending:
        print("instance(s) %s did not answer on their REST API within %s s" % (sorted(pending), timeout),
              file=sys.stderr)
        sys.exit(3)

def wait_connected(timeout):
    end = time.monotonic() + timeout
    last = {}
    while time.monotonic() < end:
        ok = True
        for i, j in ((1, 2), (2, 1)):
            try:
                c = rest(i, "/rest/system/connections")["connections"].get(inst(j)["id"], {})
                last[i] = c
                ok = ok and bool(c.get("connected"))
            except Exception as e:
                last[i] = str(e)
                ok = False
        if ok:
            return
        time.sleep(0.2)
    print("the two instances did not connect within %s s: %s" % (timeout, json.dumps(last)), file=sys.stderr)
    sys.exit(1)

def pause(action):
    # action: "pause" or "resume": both sides stop (or go back to) talking to each other.
    for i, j in ((1, 2), (2, 1)):
        rest(i, "/rest/system/%s?device=%s" % (action, inst(j)["id"]), method="POST")

def scan():
    for i in (1, 2):
        rest(i, "/rest/db/scan?folder=cloud", method="POST")

def view(i, j):
    s = rest(i, "/rest/db/status?folder=cloud")
    c = rest(i, "/rest/db/completion?folder=cloud&device=%s" % inst(j)["id"])
    return s, c

def in_sync(timeout):
    end = time.monotonic() + timeout
    streak, last = 0, None
    while time.monotonic() < end:
        try:
            (s1, c1), (s2, c2) = view(1, 2), view(2, 1)
            last = {"1": {"status": s1, "completion_of_2": c1}, "2": {"status": s2, "completion_of_1": c2}}
            ok = all(s["state"] == "idle" and s["needTotalItems"] == 0 and s["needBytes"] == 0
                     and s["inSyncFiles"] == s["globalFiles"] and s["localFiles"] == s["globalFiles"]
                     and not s.get("pullErrors") for s in (s1, s2))
            ok = ok and all(c["completion"] == 100 and c["needBytes"] == 0 and c.get("needItems", 0) == 0
                            for c in (c1, c2))
            ok = ok and all(s1[k] == s2[k] for k in ("globalFiles", "globalBytes", "globalDirectories",
                                                     "globalDeleted", "localBytes"))
        except Exception as e:
            last, ok = str(e), False
        # Twice in a row, 0.5 s apart: an index update may still be on its way.
        streak = streak + 1 if ok else 0
        if streak >= 2:
            return
        time.sleep(0.5)
    print("Syncthing did not report both folders in sync within %s s; last answers:\n%s"
          % (timeout, json.dumps(last, indent=1, sort_keys=True)), file=sys.stderr)
    sys.exit(1)

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "ports":
    free_ports(int(args[0]))
elif cmd == "edit":
    edit(*args)
elif cmd == "wait-up":
    wait_up(float(args[0]), args[1:])
elif cmd == "wait-connected":
    wait_connected(float(args[0]))
elif cmd in ("pause", "resume"):
    pause(cmd)
elif cmd == "scan":
    scan()
elif cmd == "in-sync":
    in_sync(float(args[0]))
else:
    sys.exit("st_py: unknown command " + cmd)
PY
}

# st_env COMMAND...: runs COMMAND (st_py) with the instances' addresses,
# keys, ids and pids in its environment.
st_env() {
  (
    export ST_GUI_1="${ST_GUI[0]}" ST_GUI_2="${ST_GUI[1]}" ST_KEY_1="${ST_KEY[0]}" ST_KEY_2="${ST_KEY[1]}"
    export ST_ID_1="${ST_ID[0]}" ST_ID_2="${ST_ID[1]}" ST_PID_1="${ST_PIDS[0]:-0}" ST_PID_2="${ST_PIDS[1]:-0}"
    "$@"
  )
}

# st_show_logs: the end of each instance's log, on stderr.
st_show_logs() {
  local log
  for log in "${ST_LOG[@]}"; do
    [[ -f "$log" ]] || continue
    printf '  --- last lines of %s ---\n' "$log" >&2
    tail -n 25 "$log" | sed 's/^/  | /' >&2
  done
}

# st_stop: stops the instances st_start started (those pids only: each is a
# timeout(1) that passes the signal on to its syncthing) and waits for them;
# one still there after 5 s gets SIGKILL, and so does its child (by parent
# pid). Safe to call twice.
st_stop() {
  local pid tries
  ((${#ST_PIDS[@]})) || return 0
  for pid in "${ST_PIDS[@]}"; do
    [[ "$pid" != 0 ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${ST_PIDS[@]}"; do
    [[ "$pid" != 0 ]] || continue
    tries=50
    while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  ST_PIDS=()
}

# The EXIT trap: stop Syncthing first (and show its logs when the test
# failed), then lib.sh's cs_on_exit removes or keeps the sandbox. A TERM or
# INT (ctest's timeout, ^C) goes through it too.
st_on_exit() {
  local rc=$?
  set +e
  trap - ERR
  if [[ $rc -ne 0 && ${#ST_LOG[@]} -gt 0 ]]; then
    st_show_logs
  fi
  st_stop
  (exit "$rc")
  cs_on_exit
}
trap st_on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# st_start DIR_A DIR_B: see the top of this file. Skips the test when an
# instance cannot be set up or does not start within 20 s (three tries with
# fresh ports); fails it when the two started but do not connect within 20 s.
st_start() {
  local folders=() i try rc t0
  t0="$(st_ms)"
  folders[0]="$(mkdir -p "$1" && cd "$1" && pwd -P)"
  folders[1]="$(mkdir -p "$2" && cd "$2" && pwd -P)"
  local watcher="${CODEXSYNC_ST_WATCHER:-true}"
  for try in 1 2 3; do
    rm -rf "$ST_ROOT"
    mkdir -p "$ST_ROOT"
    ST_LOG=("$ST_ROOT/instance-1.log" "$ST_ROOT/instance-2.log")
    for i in 0 1; do
      syncthing generate --home="$ST_ROOT/home-$((i + 1))" --no-default-folder >"${ST_LOG[$i]}" 2>&1 ||
        st_skip "syncthing generate failed: $(tail -n 3 "${ST_LOG[$i]}")"
      ST_ID[i]="$(syncthing serve --home="$ST_ROOT/home-$((i + 1))" --device-id 2>>"${ST_LOG[$i]}")" ||
        st_skip "syncthing could not tell its device id: $(tail -n 3 "${ST_LOG[$i]}")"
      ST_KEY[i]="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    done
    local ports=()
    read -r -a ports < <(st_py ports 4)
    ST_GUI=("${ports[0]}" "${ports[1]}")
    # Instance 1 dials instance 2; instance 2 only listens.
    local peer_port=("${ports[3]}" -)
    for i in 0 1; do
      st_py edit "$ST_ROOT/home-$((i + 1))/config.xml" "${ST_ID[$i]}" "${ST_ID[$((1 - i))]}" "${ST_GUI[$i]}" \
        "${ports[$((2 + i))]}" "${peer_port[$i]}" "${ST_KEY[$i]}" "${folders[$i]}" "$watcher" "$ST_RECV_KIBPS" ||
        st_skip "could not edit $ST_ROOT/home-$((i + 1))/config.xml"
    done
    # Instance 2 (the listener) first, so that instance 1's first dial finds
    # it: a failed dial is retried only 5 s later.
    ST_PIDS=(0 0)
    rc=0
    st_launch 1
    st_env st_py wait-up 20 2 2>"$ST_ROOT/wait-up.err" || rc=$?
    if [[ $rc -eq 0 ]]; then
      st_launch 0
      st_env st_py wait-up 20 1 2 2>"$ST_ROOT/wait-up.err" || rc=$?
    fi
    if [[ $rc -eq 0 ]]; then
      break
    fi
    printf 'syncthing: start %d of 3 failed: %s\n' "$try" "$(cat "$ST_ROOT/wait-up.err")" >&2
    st_show_logs
    st_stop
  done
  if [[ $rc -ne 0 ]]; then
    skip_test "Syncthing did not start in 3 tries: $(cat "$ST_ROOT/wait-up.err"); its log ends:" \
      "$(tail -n 2 "${ST_LOG[@]}" 2>/dev/null | tr '\n' ' ')"
  fi
  printf 'syncthing: both REST APIs answer after %d ms\n' "$(($(st_ms) - t0))"
  if ! st_env st_py wait-connected 20; then
    cs_die_setup "the two Syncthing instances started but did not connect (logs below)"
  fi
  printf 'syncthing: both instances up and connected in %d ms\n' "$(($(st_ms) - t0))"
}

# st_launch 0|1: starts instance 1|2 in the background; sets ST_PIDS[0|1].
# STMONITORED: no monitor process, so the pid kept is timeout's and its only
# child is the instance itself. STHASHING: no hashing benchmark at start-up
# (it halves the start).
st_launch() {
  local i="$1"
  STHASHING=minio STMONITORED=1 STNOUPGRADE=1 STNODEFAULTFOLDER=1 "${ST_GUARD_OUTER[@]}" timeout -k 5 "$ST_LIFETIME_SECONDS" \
    "${ST_GUARD_INNER[@]}" syncthing serve --home="$ST_ROOT/home-$((i + 1))" --no-browser --no-restart \
    >>"${ST_LOG[$i]}" 2>&1 </dev/null &
  ST_PIDS[i]="$!"
}

# st_ms: the wall clock in milliseconds, for the timings the tests print.
st_ms() { printf '%d' "$(($(date +%s%N) / 1000000))"; }

# st_pause / st_resume: the two instances stop carrying anything (each pauses
# the other device) / carry again; st_resume returns once they are
# connected again. For a state the test needs before a delivery starts.
st_pause() {
  st_env st_py pause || cs_die_setup "Syncthing did not accept a pause request"
}
st_resume() {
  st_env st_py resume || cs_die_setup "Syncthing did not accept a resume request"
  st_env st_py wait-connected 20 || cs_die_setup "the two Syncthing instances did not connect again after st_resume"
}

# st_scan: both instances rescan the folder now.
st_scan() {
  st_env st_py scan || cs_die_setup "Syncthing did not accept a rescan request"
}

# st_wait_in_sync [SECONDS]: rescans both folders, then waits until both
# instances are idle, need nothing, see the other at 100 % and agree on the
# folder's global state, twice in a row; fails the test after SECONDS
# (default 30), printing Syncthing's last answers and logs.
st_wait_in_sync() {
  local t0
  t0="$(st_ms)"
  st_scan
  st_env st_py in-sync "${1:-30}" || cs_die_setup "the two Syncthing folders did not get in sync"
  printf 'syncthing: in sync after %d ms\n' "$(($(st_ms) - t0))"
}

# st_init_config_for a|b DIR: init_config_for (lib.sh) with DIR instead of
# $CLOUD as the machine's workspace root, so each machine has its own cloud
# folder, the one its Syncthing instance carries.
st_init_config_for() {
  # shellcheck disable=SC2034 # init_config_for reads $CLOUD
  local which="$1" CLOUD="$2"
  shift 2
  init_config_for "$which" "$@"
}
