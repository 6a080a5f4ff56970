#include <codexsync/core/error.hpp>
#include <codexsync/state/delivery.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_format = "codexsync-delivery-v1";

nlohmann::json to_json(const DeliveryRecord& r) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, claim] : r.files) {
    files[path] = {{"size", claim.size}, {"sha256", claim.sha256}, {"at", claim.at}};
  }
  nlohmann::json deleted = nlohmann::json::object();
  for (const auto& [path, at] : r.deleted) {
    deleted[path] = {{"at", at}};
  }
  return {{"format", k_format}, {"machine", r.machine},        {"generation", r.generation}, {"run", r.run},
          {"written", r.written}, {"files", std::move(files)}, {"deleted", std::move(deleted)}};
}

DeliveryRecord from_json(const nlohmann::json& doc) {
  if (!doc.is_object() || doc.value("format", "") != k_format) {
    throw std::invalid_argument("not a codexsync delivery record (unknown format)");
  }
  DeliveryRecord r;
  r.machine = doc.at("machine").get<std::string>();
  r.generation = doc.value("generation", std::uint64_t{0});
  r.run = doc.value("run", "");
  r.written = doc.value("written", "");
  for (const auto& [path, claim] : doc.at("files").items()) {
    r.files[path] = Claim{claim.at("size").get<std::uint64_t>(), claim.at("sha256").get<std::string>(),
                          claim.at("at").get<std::string>()};
  }
  for (const auto& [path, tomb] : doc.at("deleted").items()) {
    r.deleted[path] = tomb.at("at").get<std::string>();
  }
  return r;
}

// Statements are dated "YYYY-MM-DDTHH:MM:SS[.fff]Z": ordered as time points,
// an unreadable date counting as the oldest.
std::chrono::system_clock::time_point when(const std::string& at) {
  return util::parse_utc_timestamp(at).value_or(std::chrono::system_clock::time_point{});
}

std::string describe_size(std::uint64_t bytes) {
  return bytes < 1024 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
}

} // namespace

fs::path delivery_dir(const fs::path& workspace, const std::string& profile) {
  auto dir = workspace / "state" / "delivery";
  return profile.empty() ? dir : dir / util::path_from_utf8(profile);
}

void write_delivery_record(const fs::path& dir, const DeliveryRecord& record) {
  const auto path = dir / util::path_from_utf8(record.machine + ".json");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) {
    util::write_file_atomic(path, to_json(record).dump(), ec);  // compact: thousands of claims
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the delivery record {} ({}); the files were synced, but other "
                                   "machines cannot check that they arrived. Check free space and permissions",
                                   util::display_path(path), ec.message()));
  }
}

DeliveryListing read_delivery_records(const fs::path& dir) {
  DeliveryListing out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().u8string();
    const std::string text_name(name.begin(), name.end());
    if (!text_name.ends_with(".json") || util::is_temp_name(text_name) || !it->is_regular_file(ec)) {
      continue;
    }
    std::error_code read_ec;
    const auto text = util::read_file(it->path(), read_ec);
    if (!text) {
      out.problems.push_back(fmt::format("{}: cannot read it ({})", util::display_path(it->path()),
                                         read_ec.message()));
      continue;
    }
    try {
      auto record = from_json(nlohmann::json::parse(*text));
      if (record.machine + ".json" != text_name) {
        throw std::invalid_argument(fmt::format("it names machine \"{}\"", record.machine));
      }
      out.records.push_back(std::move(record));
    } catch (const std::exception& e) {
      out.problems.push_back(fmt::format("{}: damaged ({})", util::display_path(it->path()), e.what()));
    }
  }
  if (ec) {
    out.problems.push_back(fmt::format("{}: cannot list it ({})", util::display_path(dir), ec.message()));
  }
  std::sort(out.records.begin(), out.records.end(),
            [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.machine < b.machine; });
  return out;
}

std::set<std::string> mentioned_paths(const DeliveryListing& listing) {
  std::set<std::string> out;
  for (const auto& record : listing.records) {
    for (const auto& [path, claim] : record.files) {
      out.insert(path);
    }
    for (const auto& [path, at] : record.deleted) {
      out.insert(path);
    }
  }
  return out;
}

Statements newest_statements(const std::vector<DeliveryRecord>& records) {
  Statements out;
  const auto offer = [&out](const std::string& path, Statement s) {
    auto& list = out[path];
    if (!list.empty()) {
      const auto newest = when(list.front().at);
      const auto t = when(s.at);
      if (t < newest) {
        return;
      }
      if (t > newest) {
        list.clear();
      }
    }
    list.push_back(std::move(s));
  };
  for (const auto& record : records) {
    for (const auto& [path, claim] : record.files) {
      offer(path, Statement{record.machine, claim, claim.at});
    }
    for (const auto& [path, at] : record.deleted) {
      offer(path, Statement{record.machine, std::nullopt, at});
    }
  }
  return out;
}

DeliveryCheck check_delivery(const Statements& statements, const std::string& self, const Index& cloud,
                             const std::function<bool(const std::string&)>& in_scope,
                             const std::function<bool(const std::string&)>& present,
                             const std::set<std::string>& unavailable) {
  DeliveryCheck out;
  for (const auto& [path, newest] : statements) {
    if (newest.empty() || !in_scope(path) || unavailable.count(path) != 0U) {
      continue;
    }
    if (std::any_of(newest.begin(), newest.end(), [](const Statement& s) { return s.claim && s.claim->pending(); })) {
      continue;  // a run that was writing it did not finish: nobody vouches for it
    }
    const auto* now = cloud.find(path);
    const bool here = now != nullptr || present(path);
    if (now == nullptr && here) {
      continue;  // there, but not something this machine syncs (filtered, a link): not its to check
    }
    // The mirror must match one of the newest statements.
    bool matched = false;
    bool hash_needed = false;
    for (const auto& s : newest) {
      if (!s.claim) {
        matched = matched || now == nullptr;
      } else if (now != nullptr && now->size == s.claim->size) {
        if (!now->sha256) {
          hash_needed = true;
        } else {
          matched = matched || *now->sha256 == s.claim->sha256;
        }
      }
    }
    if (matched) {
      if (now == nullptr) {
        out.tombstoned.insert(path);
      }
      continue;
    }
    if (hash_needed) {
      out.need_hash.push_back(path);
      continue;
    }
    const auto& s = newest.front();
    std::string why;
    if (s.machine == self) {
      why = fmt::format("not what this machine wrote there at {} ({}); another machine's upload may still be "
                        "arriving, or the cloud client replaced it (look for its conflict copy)",
                        s.at, !s.claim ? std::string("it deleted it")
                              : now == nullptr ? std::string("now missing")
                                               : fmt::format("{} then, {} now", describe_size(s.claim->size),
                                                             describe_size(now->size)));
    } else if (!s.claim) {
      why = fmt::format("deleted by {} at {}, still here", s.machine, s.at);
    } else if (now == nullptr) {
      why = fmt::format("missing; {} wrote it at {}", s.machine, s.at);
    } else if (now->size != s.claim->size) {
      why = fmt::format("{} here, {} in {}'s record of {}", describe_size(now->size), describe_size(s.claim->size),
                        s.machine, s.at);
    } else {
      why = fmt::format("other content than {} wrote at {}", s.machine, s.at);
    }
    out.undelivered.push_back(Undelivered{path, s.machine, std::move(why)});
  }
  return out;
}

DeliveryRecord next_delivery_record(const DeliveryRecord& previous, const std::string& machine, const std::string& run,
                                    std::chrono::system_clock::time_point now,
                                    const std::map<std::string, FileState>& written_to_cloud,
                                    const std::set<std::string>& deleted_from_cloud,
                                    const std::map<std::string, FileState>& cloud_after, int tombstone_days) {
  DeliveryRecord next;
  next.machine = machine;
  next.generation = previous.generation + 1;
  next.run = run;
  next.written = util::utc_timestamp(now);
  for (const auto& [path, claim] : previous.files) {
    const auto after = cloud_after.find(path);
    if (claim.pending()) {
      // A run cut short while writing it: vouch for what is there now when
      // that is known, else go on vouching for nothing.
      if (after == cloud_after.end()) {
        continue;
      }
      next.files[path] = after->second.sha256 ? Claim{after->second.size, *after->second.sha256, claim.at} : claim;
      continue;
    }
    if (after != cloud_after.end() && after->second.size == claim.size &&
        (!after->second.sha256 || *after->second.sha256 == claim.sha256)) {
      next.files[path] = claim;  // still what this machine wrote
    }
  }
  for (const auto& [path, state] : written_to_cloud) {
    if (state.sha256) {
      next.files[path] = Claim{state.size, *state.sha256, next.written};
    } else {
      next.files.erase(path);  // cannot vouch for what it does not know
    }
    next.deleted.erase(path);
  }
  const auto oldest = now - std::chrono::hours(24) * tombstone_days;
  for (const auto& [path, at] : previous.deleted) {
    if (cloud_after.count(path) == 0U && when(at) >= oldest && written_to_cloud.count(path) == 0U) {
      next.deleted[path] = at;
    }
  }
  for (const auto& path : deleted_from_cloud) {
    next.files.erase(path);
    next.deleted[path] = next.written;
  }
  return next;
}

} // namespace codexsync::state
