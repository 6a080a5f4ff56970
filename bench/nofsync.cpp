// libcodexsync-bench-nofsync.so: an LD_PRELOAD library that turns fsync,
// fdatasync, syncfs, sync and sync_file_range into no-ops. bench/run.sh uses it
// only to PREPARE a scenario's starting state quickly (e.g. the first sync that
// S2 starts from), never for a measured command; it runs `sync` afterwards.
// Exit codes: none (a library).
#include <sys/types.h>

extern "C" {

int fsync(int) { return 0; }
int fdatasync(int) { return 0; }
int syncfs(int) { return 0; }
void sync() {}
int sync_file_range(int, off64_t, off64_t, unsigned int) { return 0; }

} // extern "C"
