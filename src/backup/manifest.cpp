#include "snapshot_internal.hpp"

#include <codexsync/util/clock.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>

namespace codexsync::backup::detail {
namespace {

using nlohmann::json;

constexpr std::size_t k_sha256_hex_length = 64;

bool is_sha256_hex(const std::string& text) {
  if (text.size() != k_sha256_hex_length) {
    return false;
  }
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// Parses entry `index`; returns nullopt and sets `problem` when it is invalid.
std::optional<SnapshotEntry> parse_entry(const json& item, std::size_t index, std::string& problem) {
  const auto where = "entry " + std::to_string(index + 1);
  if (!item.is_object()) {
    problem = where + " is not an object";
    return std::nullopt;
  }
  SnapshotEntry entry;
  const auto side = string_field(item, "side");
  if (side == "local") {
    entry.side = Side::local;
  } else if (side == "cloud") {
    entry.side = Side::cloud;
  } else {
    problem = where + R"( has no side "local" or "cloud")";
    return std::nullopt;
  }
  const auto path = string_field(item, "path");
  if (!path) {
    problem = where + " has no path";
    return std::nullopt;
  }
  if (const auto why = entry_path_problem(*path); !why.empty()) {
    problem = where + " has an unsafe path \"" + *path + "\": " + why;
    return std::nullopt;
  }
  entry.path = *path;
  const auto size = item.find("size");
  if (size == item.end() || !size->is_number_unsigned()) {
    problem = where + " (" + *path + ") has no valid size";
    return std::nullopt;
  }
  entry.size = size->get<std::uint64_t>();
  const auto mtime = item.find("mtime_ns");
  if (mtime == item.end() || !mtime->is_number_integer() ||
      (mtime->is_number_unsigned() && mtime->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
    problem = where + " (" + *path + ") has no valid mtime_ns";
    return std::nullopt;
  }
  entry.mtime_ns = mtime->get<std::int64_t>();
  const auto sha = string_field(item, "sha256");
  if (!sha || !is_sha256_hex(*sha)) {
    problem = where + " (" + *path + ") has no valid sha256";
    return std::nullopt;
  }
  entry.sha256 = *sha;
  return entry;
}

} // namespace

std::string manifest_to_json(const Manifest& manifest) {
  json entries = json::array();
  for (const auto& entry : manifest.entries) {
    entries.push_back({{"side", std::string(side_name(entry.side))},
                       {"path", entry.path},
                       {"size", entry.size},
                       {"mtime_ns", entry.mtime_ns},
                       {"sha256", entry.sha256}});
  }
  const json doc = {{"format", std::string(k_manifest_format)},
                    {"name", manifest.name},
                    {"machine", manifest.machine},
                    {"created", manifest.created},
                    {"compression", manifest.compression == Compression::zip ? "zip" : "none"},
                    {"entries", std::move(entries)}};
  return doc.dump(2) + "\n";
}

std::optional<Manifest> parse_manifest(std::string_view text, std::string& problem) {
  problem.clear();
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    problem = "the manifest is not valid JSON";
    return std::nullopt;
  }
  if (!doc.is_object()) {
    problem = "the manifest is not a JSON object";
    return std::nullopt;
  }
  const auto format = string_field(doc, "format");
  if (format != std::string(k_manifest_format)) {
    problem = "unknown manifest format \"" + format.value_or("") + "\"";
    return std::nullopt;
  }
  Manifest out;
  const auto name = string_field(doc, "name");
  const auto machine = string_field(doc, "machine");
  const auto created = string_field(doc, "created");
  const auto compression = string_field(doc, "compression");
  if (!name || !machine || !created || !compression) {
    problem = "the manifest lacks name, machine, created or compression";
    return std::nullopt;
  }
  out.name = *name;
  out.machine = *machine;
  out.created = *created;
  if (!util::parse_utc_timestamp(out.created)) {
    problem = "the manifest's created time \"" + out.created + "\" is not a UTC time";
    return std::nullopt;
  }
  if (*compression == "zip") {
    out.compression = Compression::zip;
  } else if (*compression == "none") {
    out.compression = Compression::none;
  } else {
    problem = "unknown compression \"" + *compression + "\"";
    return std::nullopt;
  }
  const auto entries = doc.find("entries");
  if (entries == doc.end() || !entries->is_array()) {
    problem = "the manifest has no entries list";
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto entry = parse_entry((*entries)[i], i, problem);
    if (!entry) {
      return std::nullopt;
    }
    if (!seen.insert(entry_key(entry->side, entry->path)).second) {
      problem = "entry " + std::to_string(i + 1) + " repeats " + entry_key(entry->side, entry->path);
      return std::nullopt;
    }
    out.entries.push_back(std::move(*entry));
  }
  return out;
}

} // namespace codexsync::backup::detail
