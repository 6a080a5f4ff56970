#include "evidence.hpp"

#include "sides.hpp"

#include <codexsync/merge/lines.hpp>
#include <codexsync/scan/glob.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

namespace codexsync::engine::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_head = 4096;
// The last bytes of the common part. Sampling happens only where the baseline
// vouches that the shorter side did not change since both were equal, so
// both sides cannot have appended different lines there: what the samples
// look for is a rewrite of the longer side, which shows at the start, spread
// through the file, or just before the shorter side's end alike.
constexpr std::uint64_t k_tail = 4096;
constexpr std::uint64_t k_block = 4096;
constexpr int k_spread_blocks = 8;
constexpr std::size_t k_chunk = std::size_t{1} << 20;

// For a file std::ifstream could not open or read: gone, or unreadable.
[[noreturn]] void throw_unreadable(const fs::path& file) {
  std::error_code ec;
  const bool exists = fs::exists(file, ec);
  detail::throw_unreadable(file,
                           exists ? std::make_error_code(std::errc::io_error)
                                  : std::make_error_code(std::errc::no_such_file_or_directory),
                           "compare it", "check its permissions");
}

class Reader {
public:
  explicit Reader(const fs::path& file) : m_file(file) {
    // Unbuffered: a 4 KiB sample reads 4 KiB, not the stream's whole buffer.
    m_in.rdbuf()->pubsetbuf(nullptr, 0);
    m_in.open(file, std::ios::binary);
    if (!m_in) {
      throw_unreadable(file);
    }
  }
  // Reads exactly `size` bytes at `offset` into `out`.
  void read_at(std::uint64_t offset, char* out, std::size_t size) {
    m_in.seekg(static_cast<std::streamoff>(offset));
    m_in.read(out, static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(m_in.gcount()) != size) {
      throw_unreadable(m_file);
    }
  }

private:
  fs::path m_file;
  std::ifstream m_in;
};

bool same_range(Reader& a, Reader& b, std::uint64_t offset, std::uint64_t size, std::vector<char>& buf_a,
                std::vector<char>& buf_b) {
  while (size > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, buf_a.size()));
    a.read_at(offset, buf_a.data(), n);
    b.read_at(offset, buf_b.data(), n);
    if (!std::equal(buf_a.begin(), buf_a.begin() + static_cast<std::ptrdiff_t>(n), buf_b.begin())) {
      return false;
    }
    offset += n;
    size -= n;
  }
  return true;
}

// Whether the shorter side can be trusted to be unchanged since a baseline
// that saw both sides equal: then the longer side held those bytes too and,
// being append-only, still starts with them.
bool baseline_vouches(const Baseline& baseline, const std::string& path, Side shorter_side, const FileState& shorter) {
  const auto it = baseline.find(path);
  if (it == baseline.end() || !it->second.local || !it->second.cloud) {
    return false;
  }
  const auto& then_local = *it->second.local;
  const auto& then_cloud = *it->second.cloud;
  if (then_local.size != then_cloud.size ||
      (then_local.sha256 && then_cloud.sha256 && *then_local.sha256 != *then_cloud.sha256)) {
    return false;
  }
  const auto& then = shorter_side == Side::local ? then_local : then_cloud;
  return then.size == shorter.size && then.mtime_ns == shorter.mtime_ns;
}

} // namespace

bool starts_with(const fs::path& longer, const fs::path& shorter, std::uint64_t length, PrefixCheck check) {
  if (length == 0) {
    return true;
  }
  Reader a(longer);
  Reader b(shorter);
  std::vector<char> buf_a(check == PrefixCheck::full ? k_chunk : std::max(k_tail, k_block));
  std::vector<char> buf_b(buf_a.size());
  if (check == PrefixCheck::full) {
    return same_range(a, b, 0, length, buf_a, buf_b);
  }
  // The end of the common part first, then the start, then spread blocks.
  const auto tail = std::min(length, k_tail);
  if (!same_range(a, b, length - tail, tail, buf_a, buf_b)) {
    return false;
  }
  if (!same_range(a, b, 0, std::min(length, k_head), buf_a, buf_b)) {
    return false;
  }
  for (int i = 1; i <= k_spread_blocks; ++i) {
    const auto at = length / (k_spread_blocks + 1) * static_cast<std::uint64_t>(i);
    if (!same_range(a, b, at, std::min(k_block, length - at), buf_a, buf_b)) {
      return false;
    }
  }
  return true;
}

plan::Evidence gather_evidence(const config::Config& cfg, Index& local, Index& cloud, const Baseline& baseline,
                               const plan::Options& options) {
  plan::Evidence evidence;
  const scan::GlobSet append_only(options.append_only_globs);
  const scan::GlobSet merge_lines(options.merge_line_globs);
  // Both maps are in path order: the cloud's entry is found by walking along,
  // not looked up per path.
  auto found = cloud.files.begin();
  for (auto& [path, l] : local.files) {
    while (found != cloud.files.end() && found->first < path) {
      ++found;
    }
    if (found == cloud.files.end() || found->first != path) {
      continue;
    }
    auto& c = found->second;
    if (l.size != c.size && append_only.matches(path)) {
      const bool local_shorter = l.size < c.size;
      const auto shorter_side = local_shorter ? Side::local : Side::cloud;
      const auto& shorter = local_shorter ? l : c;
      const auto check = options.compare != config::Compare::hash && baseline_vouches(baseline, path, shorter_side, shorter)
                           ? PrefixCheck::sampled
                           : PrefixCheck::full;
      const bool prefix = starts_with(file_on(cfg, other(shorter_side), path), file_on(cfg, shorter_side, path),
                                      shorter.size, check);
      evidence.relations[path] = !prefix         ? plan::Relation::diverged
                                 : local_shorter ? plan::Relation::local_prefix_of_cloud
                                                 : plan::Relation::cloud_prefix_of_local;
      continue;
    }
    if (!(l.size == c.size && l.same_as(c, options.tolerance_ns)) && merge_lines.matches(path)) {
      std::error_code ec;
      const auto local_text = util::read_file(file_on(cfg, Side::local, path), ec);
      if (!local_text) {
        detail::throw_unreadable(file_on(cfg, Side::local, path), ec, "merge it", "check its permissions");
      }
      const auto cloud_text = util::read_file(file_on(cfg, Side::cloud, path), ec);
      if (!cloud_text) {
        detail::throw_unreadable(file_on(cfg, Side::cloud, path), ec, "merge it", "check its permissions");
      }
      if (*local_text == *cloud_text) {
        util::Sha256 hash;
        hash.update(*local_text);
        l.sha256 = hash.finish();
        c.sha256 = l.sha256;
        continue;
      }
      // One side's bytes the start of the other's (lines appended on one
      // machine): the union is the longer side; a fast-forward copies only
      // what was appended.
      const bool local_shorter = local_text->size() < cloud_text->size();
      const auto& shorter_text = local_shorter ? *local_text : *cloud_text;
      const auto& longer_text = local_shorter ? *cloud_text : *local_text;
      if (shorter_text.size() != longer_text.size() &&
          std::string_view(longer_text).substr(0, shorter_text.size()) == shorter_text) {
        evidence.relations[path] =
          local_shorter ? plan::Relation::local_prefix_of_cloud : plan::Relation::cloud_prefix_of_local;
        evidence.merges[path] = local_shorter ? plan::MergeOutcome::cloud_has_all : plan::MergeOutcome::local_has_all;
        continue;
      }
      const auto merged = merge::merge_lines(*local_text, *cloud_text);
      evidence.merges[path] = merged.a_has_all   ? plan::MergeOutcome::local_has_all
                              : merged.b_has_all ? plan::MergeOutcome::cloud_has_all
                                                 : plan::MergeOutcome::both_lack;
    }
  }
  return evidence;
}

} // namespace codexsync::engine::detail
