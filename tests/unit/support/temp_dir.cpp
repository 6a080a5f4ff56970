#include "support/temp_dir.hpp"
#include "support/catch.hpp"

#include <codexsync/util/fs.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace codexsync::test {
namespace {

bool g_failed_in_current_test = false;

#ifdef CODEXSYNC_CATCH3
using ListenerBase = Catch::EventListenerBase;
#else
using ListenerBase = Catch::TestEventListenerBase;
#endif

struct FailureListener : ListenerBase {
  using ListenerBase::ListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    ListenerBase::testCaseStarting(info);
    g_failed_in_current_test = false;
  }
#ifdef CODEXSYNC_CATCH3
  void assertionEnded(Catch::AssertionStats const& stats) override {
#else
  bool assertionEnded(Catch::AssertionStats const& stats) override {
#endif
    if (!stats.assertionResult.isOk()) {
      g_failed_in_current_test = true;
    }
#ifndef CODEXSYNC_CATCH3
    return true;
#endif
  }
};

CATCH_REGISTER_LISTENER(FailureListener)

} // namespace

TempDir::TempDir() {
  const std::filesystem::path root = CODEXSYNC_TEST_TMP;
  if (root.empty() || !root.is_absolute() || root.filename() != "test-tmp") {
    throw std::logic_error("TempDir refuses to run outside the build's test-tmp folder");
  }
  std::filesystem::create_directories(root);
  m_path = root / ("unit-" + util::random_hex(6));
  std::filesystem::create_directory(m_path);
}

TempDir::~TempDir() {
  if (g_failed_in_current_test || std::uncaught_exceptions() > 0) {
    std::cerr << "test failed; kept its files in " << m_path.string() << '\n';
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(std::string_view relative, std::string_view content) const {
  const auto target = m_path / relative;
  std::filesystem::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return target;
}

std::filesystem::path TempDir::mkdir(std::string_view relative) const {
  const auto target = m_path / relative;
  std::filesystem::create_directories(target);
  return target;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

} // namespace codexsync::test
