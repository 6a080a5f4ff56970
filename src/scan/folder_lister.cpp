#include "folder_lister.hpp"

#include <algorithm>
#include <utility>

namespace codexsync::scan::detail {

FolderLister::FolderLister(unsigned threads) {
  m_threads.reserve(threads);
  try {
    for (unsigned i = 0; i < threads; ++i) {
      m_threads.emplace_back([this] { work(); });
    }
  } catch (const std::system_error&) {
    // A thread the system would not start: the ones that did start do the
    // work (with none, take() lists on the caller's thread).
  }
}

FolderLister::~FolderLister() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_work.notify_all();
  for (auto& thread : m_threads) {
    thread.join();
  }
}

unsigned FolderLister::threads_for_this_machine() {
  return std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
}

void FolderLister::submit(std::size_t token, std::filesystem::path dir) {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs.push_back(Job{token, std::move(dir)});
    ++m_outstanding;
  }
  m_work.notify_one();
}

std::optional<FolderLister::Listed> FolderLister::take() {
  Done done;
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_outstanding == 0) {
      return std::nullopt;
    }
    if (m_threads.empty() && m_done.empty()) {
      Job job = std::move(m_jobs.back());
      m_jobs.pop_back();
      lock.unlock();
      done = list(std::move(job));
      lock.lock();
    } else {
      m_finished.wait(lock, [&] { return !m_done.empty(); });
      done = std::move(m_done.front());
      m_done.pop_front();
    }
    --m_outstanding;
  }
  if (done.error) {
    std::rethrow_exception(done.error);
  }
  return std::move(done.listed);
}

FolderLister::Done FolderLister::list(Job job) {
  Done done;
  done.listed.token = job.token;
  try {
    done.listed.entries = list_dir(job.dir, done.listed.error);
  } catch (...) {
    done.error = std::current_exception();
  }
  return done;
}

void FolderLister::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_work.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
      if (m_stop) {
        return;
      }
      job = std::move(m_jobs.back());
      m_jobs.pop_back();
    }
    Done done = list(std::move(job));
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_done.push_back(std::move(done));
    }
    m_finished.notify_one();
  }
}

} // namespace codexsync::scan::detail
