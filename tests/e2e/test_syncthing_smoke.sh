# The Syncthing harness works: two instances on 127.0.0.1 carry a file
# written into machine A's cloud folder to machine B's, byte for byte, and
# one written on B back to A. Prints how long each took.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/syncthing_lib.sh"
st_require

DIR_A="$T/cloud-a"
DIR_B="$T/cloud-b"
st_start "$DIR_A" "$DIR_B"

# wait_for_copy SRC DST SECONDS: waits until DST holds SRC's bytes.
wait_for_copy() {
  local tries=$(($3 * 10))
  while ((tries-- > 0)); do
    if [[ -f "$2" ]] && cmp -s "$1" "$2"; then
      return 0
    fi
    sleep 0.1
  done
  cs_fail "expected $2 to hold the bytes of $1 within $3 s (Syncthing did not carry it)" \
    "in $(dirname "$2"): $(find "$(dirname "$2")" -maxdepth 1 -printf '%f (%s B) ' 2>&1)"
}

mkdir -p "$DIR_A/sync/sessions"
head -c 300000 /dev/urandom >"$DIR_A/sync/sessions/chat.jsonl"
t0=$(st_ms)
wait_for_copy "$DIR_A/sync/sessions/chat.jsonl" "$DIR_B/sync/sessions/chat.jsonl" 30
printf 'syncthing: A -> B took %d ms\n' "$(($(st_ms) - t0))"

printf 'written on B\n' >"$DIR_B/sync/from-b.txt"
t0=$(st_ms)
wait_for_copy "$DIR_B/sync/from-b.txt" "$DIR_A/sync/from-b.txt" 30
printf 'syncthing: B -> A took %d ms\n' "$(($(st_ms) - t0))"

st_wait_in_sync 30
assert_dir_exists "$DIR_A/.stfolder"
assert_dir_exists "$DIR_B/.stfolder"
