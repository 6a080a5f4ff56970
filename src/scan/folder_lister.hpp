#pragma once
// Lists folders on threads of their own, ahead of the walk that asked for
// them. A walk's time is mostly the listing's: one stat per entry (POSIX) or
// one directory read per batch of entries (Windows), each waiting on the
// kernel; several folders listed at once use the cores (and, on a cold cache,
// the disk's queue) that a walk on one thread leaves idle.

#include "platform.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace codexsync::scan::detail {

class FolderLister {
public:
  // One folder's listing, as list_dir gave it; `token` is what submit() got.
  struct Listed {
    std::size_t token = 0;
    std::vector<ListedEntry> entries;
    std::error_code error;
  };

  // `threads` listing threads; 0 lists each folder in take(), on the caller's.
  explicit FolderLister(unsigned threads);
  // Stops the threads (folders not listed yet are dropped) and joins them.
  ~FolderLister();
  FolderLister(const FolderLister&) = delete;
  FolderLister& operator=(const FolderLister&) = delete;

  // Queues `dir` for listing. The folder queued last is listed first, so a
  // walk that queues the folders it finds goes depth first, as on one thread.
  void submit(std::size_t token, std::filesystem::path dir);
  // One listing of a submitted folder, in the order they finish; nullopt when
  // every submitted folder has been taken. Rethrows what a listing threw
  // (std::bad_alloc).
  std::optional<Listed> take();

  // The threads a walk should use on this machine: one per core, at most 8.
  static unsigned threads_for_this_machine();

private:
  struct Job {
    std::size_t token = 0;
    std::filesystem::path dir;
  };
  struct Done {
    Listed listed;
    std::exception_ptr error;
  };

  void work();
  static Done list(Job job);

  std::mutex m_mutex;
  std::condition_variable m_work;      // a job queued, or stop
  std::condition_variable m_finished;  // a listing done
  std::vector<Job> m_jobs;             // taken from the back
  std::deque<Done> m_done;
  std::size_t m_outstanding = 0;       // submitted, not yet taken
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

} // namespace codexsync::scan::detail
