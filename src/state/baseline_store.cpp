#include <codexsync/core/error.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace codexsync::state {
namespace {

constexpr std::string_view k_format = "codexsync-baseline-v1";

nlohmann::json to_json(const FileState& s) {
  nlohmann::json j{{"size", s.size}, {"mtime_ns", s.mtime_ns}};
  if (s.sha256) {
    j["sha256"] = *s.sha256;
  }
  return j;
}

std::optional<FileState> from_json(const nlohmann::json& j) {
  if (j.is_null()) {
    return std::nullopt;
  }
  if (!j.is_object() || !j.contains("size") || !j["size"].is_number_unsigned() || !j.contains("mtime_ns") ||
      !j["mtime_ns"].is_number_integer()) {
    throw std::invalid_argument("malformed file state");
  }
  FileState s;
  s.size = j["size"].get<std::uint64_t>();
  s.mtime_ns = j["mtime_ns"].get<std::int64_t>();
  if (j.contains("sha256") && j["sha256"].is_string()) {
    s.sha256 = j["sha256"].get<std::string>();
  }
  return s;
}

} // namespace

std::filesystem::path baseline_path(const std::filesystem::path& temp_dir,
                                    const std::optional<std::filesystem::path>& manifest_file,
                                    const std::string& machine) {
  if (manifest_file) {
    return manifest_file->parent_path() / (manifest_file->stem().string() + "." + machine + ".json");
  }
  return temp_dir / "state" / ("baseline." + machine + ".json");
}

LoadedBaseline load_baseline(const BaselineFile& file) {
  LoadedBaseline out;
  std::error_code ec;
  if (!std::filesystem::exists(file.path, ec)) {
    out.note = "first sync: no baseline yet";
    return out;
  }
  const auto text = util::read_file(file.path, ec);
  if (!text) {
    out.note = fmt::format("baseline {} unreadable ({}): treated as a first sync", util::display_path(file.path),
                           ec.message());
    return out;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception&) {
    out.note = fmt::format("baseline {} is damaged: treated as a first sync", util::display_path(file.path));
    return out;
  }
  if (!doc.is_object() || doc.value("format", "") != k_format || !doc.contains("files") ||
      !doc["files"].is_object()) {
    out.note = fmt::format("baseline {} has an unknown format: treated as a first sync",
                           util::display_path(file.path));
    return out;
  }
  if (!file.install_id.empty() && doc.contains("install_id") && doc.value("install_id", "") != file.install_id) {
    out.other_install = true;
    out.note = fmt::format("baseline {} belongs to another computer that uses the machine id \"{}\" too (install "
                           "{}; this one is {}). Give each computer its own identity.machine_id; if this is the "
                           "same computer reinstalled, delete that file to start over",
                           util::display_path(file.path), file.machine, doc.value("install_id", ""),
                           file.install_id);
    return out;
  }
  if (doc.value("machine", "") != file.machine) {
    out.note = fmt::format("baseline {} was written by machine \"{}\": treated as a first sync",
                           util::display_path(file.path), doc.value("machine", ""));
    return out;
  }
  if (doc.value("local_root", "") != util::display_path(file.local_root) ||
      doc.value("cloud_root", "") != util::display_path(file.cloud_root)) {
    out.note = fmt::format("baseline {} describes other folders ({} and {}): treated as a first sync",
                           util::display_path(file.path), doc.value("local_root", ""), doc.value("cloud_root", ""));
    return out;
  }
  for (const auto& [path, entry] : doc["files"].items()) {
    try {
      if (!entry.is_object()) {
        continue;
      }
      BaselineEntry e;
      e.local = from_json(entry.value("local", nlohmann::json()));
      e.cloud = from_json(entry.value("cloud", nlohmann::json()));
      if (e.local || e.cloud) {
        out.baseline.emplace(path, std::move(e));
      }
    } catch (const std::exception&) {
      // A malformed entry: that path reads as never synced.
    }
  }
  out.usable = true;
  return out;
}

std::string install_id(const std::optional<std::filesystem::path>& state_dir) {
  if (!state_dir) {
    return {};
  }
  const auto path = *state_dir / "install-id";
  std::error_code ec;
  if (const auto text = util::read_file(path, ec)) {
    const auto id = std::string(util::trim(*text));
    if (!id.empty()) {
      return id;
    }
  }
  // Two first runs at once must agree on one id: write a candidate beside it,
  // then link it into place, which fails if another run got there first (whose
  // id is then the one).
  auto id = util::random_hex(16);
  std::filesystem::create_directories(*state_dir, ec);
  const auto candidate = *state_dir / ("install-id." + util::random_hex(6) + ".tmp");
  util::write_file_atomic(candidate, id + "\n", ec);
  if (ec) {
    return {};
  }
  std::filesystem::create_hard_link(candidate, path, ec);
  const bool linked = !ec;
  std::error_code ignored;
  if (!linked && !std::filesystem::exists(path, ignored)) {
    std::filesystem::rename(candidate, path, ec);  // no hard links here (FAT): best effort
  }
  std::filesystem::remove(candidate, ignored);
  if (linked) {
    return id;
  }
  const auto text = util::read_file(path, ignored);
  return text ? std::string(util::trim(*text)) : std::string();
}

void save_baseline(const BaselineFile& file, const Baseline& baseline) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, entry] : baseline) {
    files[path] = {{"local", entry.local ? to_json(*entry.local) : nlohmann::json()},
                   {"cloud", entry.cloud ? to_json(*entry.cloud) : nlohmann::json()}};
  }
  const nlohmann::json doc{{"format", k_format},
                           {"machine", file.machine},
                           {"install_id", file.install_id},
                           {"local_root", util::display_path(file.local_root)},
                           {"cloud_root", util::display_path(file.cloud_root)},
                           {"files", std::move(files)}};
  std::error_code ec;
  std::filesystem::create_directories(file.path.parent_path(), ec);
  if (!ec) {
    util::write_file_atomic(file.path, doc.dump(1), ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the baseline {} ({}); the files were synced, but the next run "
                                   "will compare them again. Check free space and permissions",
                                   util::display_path(file.path), ec.message()));
  }
}

} // namespace codexsync::state
