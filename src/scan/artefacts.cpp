#include <codexsync/scan/artefacts.hpp>
#include <codexsync/util/text.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace codexsync::scan {
namespace {

constexpr std::string_view k_dropbox = "Dropbox";
constexpr std::string_view k_onedrive = "OneDrive";
constexpr std::string_view k_google = "Google Drive";
constexpr std::string_view k_syncthing = "Syncthing";
constexpr std::string_view k_icloud = "iCloud";

constexpr std::string_view k_conflict_copy = "conflict copy";
constexpr std::string_view k_temporary = "temporary file";
constexpr std::string_view k_placeholder = "placeholder (not downloaded)";
constexpr std::string_view k_duplicate = "duplicate";

constexpr std::string_view k_sync_conflict = ".sync-conflict-";
constexpr std::size_t k_sync_conflict_stamp = 23; // "YYYYMMDD-HHMMSS-XXXXXXX"

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper_or_digit(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// A marker removed at [begin, end) of a name must end it or stand before a dot
// ("notes (1).md", "a (1).tar.gz", "notes (1)").
bool ends_name_or_stem(std::string_view name, std::size_t end) {
  return end == name.size() || name[end] == '.';
}

// `name` without [begin, end).
std::string cut(std::string_view name, std::size_t begin, std::size_t end) {
  std::string rest(name.substr(0, begin));
  rest += name.substr(end);
  return rest;
}

// Where a marker was found and what the name would be without it.
struct Match {
  std::string_view provider;
  std::string_view what;
  std::string shadows; // a name, not yet a path; "" when the name does not say
  bool placeholder = false;
  bool guessed = false; // only looks like a duplicate: needs its original beside it
};

// "YYYYMMDD-HHMMSS-XXXXXXX" at the start of `text`.
bool is_sync_conflict_stamp(std::string_view text) {
  if (text.size() < k_sync_conflict_stamp) {
    return false;
  }
  for (std::size_t i = 0; i < k_sync_conflict_stamp; ++i) {
    const char c = text[i];
    const bool ok = i == 8 || i == 15 ? c == '-' : i < 15 ? is_digit(c) : is_upper_or_digit(c);
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Syncthing: "name.sync-conflict-20261120-101500-ABCDEF7.ext" (also with an
// empty stem, as for ".hidden", and without an extension).
std::optional<Match> syncthing_conflict(std::string_view name) {
  for (auto at = name.find(k_sync_conflict); at != std::string_view::npos;
       at = name.find(k_sync_conflict, at + 1)) {
    const auto stamp = at + k_sync_conflict.size();
    const auto end = stamp + k_sync_conflict_stamp;
    if (is_sync_conflict_stamp(name.substr(stamp)) && ends_name_or_stem(name, end)) {
      auto original = cut(name, at, end);
      if (!original.empty()) {
        return Match{k_syncthing, k_conflict_copy, std::move(original)};
      }
    }
  }
  return std::nullopt;
}

// The ')' that closes the '(' at `open`, counting nested pairs; npos when none.
std::size_t closing_paren(std::string_view name, std::size_t open) {
  int depth = 0;
  for (auto i = open; i < name.size(); ++i) {
    if (name[i] == '(') {
      ++depth;
    } else if (name[i] == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// "Case Conflict", "Case Conflict (1)", "Case Conflict 2".
bool is_special_conflict(std::string_view inside) {
  for (const std::string_view word :
       {std::string_view("Case Conflict"), std::string_view("Unicode Encoding Conflict")}) {
    if (inside.substr(0, word.size()) != word) {
      continue;
    }
    const auto rest = inside.substr(word.size());
    if (rest.empty() || (rest.size() > 1 && rest[0] == ' ' && all_digits(rest.substr(1))) ||
        (rest.size() > 3 && rest.substr(0, 2) == " (" && rest.back() == ')' &&
         all_digits(rest.substr(2, rest.size() - 3)))) {
      return true;
    }
  }
  return false;
}

bool says_conflicted_copy(std::string_view inside) {
  constexpr std::string_view k_words = "conflicted copy";
  if (inside.size() < k_words.size()) {
    return false;
  }
  for (std::size_t i = 0; i + k_words.size() <= inside.size(); ++i) {
    if (util::equals_ignore_ascii_case(inside.substr(i, k_words.size()), k_words)) {
      return true;
    }
  }
  return false;
}

// Dropbox: "name (Alice's conflicted copy 2026-11-20).ext", "name (HOST's
// conflicted copy 2026-11-20 (1)).ext", "name (Case Conflict).ext",
// "name (Unicode Encoding Conflict).ext".
std::optional<Match> dropbox_conflict(std::string_view name) {
  for (auto at = name.find(" ("); at != std::string_view::npos; at = name.find(" (", at + 1)) {
    const auto close = closing_paren(name, at + 1);
    if (close == std::string_view::npos || !ends_name_or_stem(name, close + 1)) {
      continue;
    }
    const auto inside = name.substr(at + 2, close - at - 2);
    if (says_conflicted_copy(inside) || is_special_conflict(inside)) {
      auto original = cut(name, at, close + 1);
      if (!original.empty()) {
        return Match{k_dropbox, k_conflict_copy, std::move(original)};
      }
    }
  }
  return std::nullopt;
}

std::optional<Match> temporary(std::string_view name) {
  constexpr std::string_view k_tmp = ".tmp";
  // Syncthing's downloads in progress: ".syncthing.name.tmp", "~syncthing~name.tmp".
  for (const std::string_view prefix : {std::string_view(".syncthing."), std::string_view("~syncthing~")}) {
    if (name.size() > prefix.size() + k_tmp.size() && name.starts_with(prefix) && name.ends_with(k_tmp)) {
      return Match{k_syncthing, k_temporary,
                   std::string(name.substr(prefix.size(), name.size() - prefix.size() - k_tmp.size()))};
    }
  }
  // Google Drive's transfers in progress.
  for (const std::string_view suffix :
       {std::string_view(".tmp.drivedownload"), std::string_view(".tmp.driveupload")}) {
    if (name.ends_with(suffix)) {
      return Match{k_google, k_temporary, {}};
    }
  }
  // The lock and temp files of editors that Dropbox never syncs: "~$*", ".~*", "~*.tmp".
  if (name.starts_with("~$") || name.starts_with(".~") ||
      (name.size() > 1 + k_tmp.size() && name.starts_with('~') && name.ends_with(k_tmp))) {
    return Match{k_dropbox, k_temporary, {}};
  }
  return std::nullopt;
}

// iCloud Drive: ".name.icloud" stands for "name" evicted from this computer.
std::optional<Match> icloud_placeholder(std::string_view name) {
  constexpr std::string_view k_suffix = ".icloud";
  if (name.size() > 1 + k_suffix.size() && name.starts_with('.') && name.ends_with(k_suffix)) {
    return Match{k_icloud, k_placeholder, std::string(name.substr(1, name.size() - 1 - k_suffix.size())),
                 true};
  }
  return std::nullopt;
}

// Google Drive: "name (1).ext" beside "name.ext".
std::optional<Match> numbered_duplicate(std::string_view dir, std::string_view name,
                                        const std::function<bool(std::string_view)>& exists) {
  for (auto at = name.find(" ("); at != std::string_view::npos; at = name.find(" (", at + 1)) {
    const auto close = name.find(')', at);
    if (close == std::string_view::npos || !all_digits(name.substr(at + 2, close - at - 2)) ||
        !ends_name_or_stem(name, close + 1)) {
      continue;
    }
    auto original = cut(name, at, close + 1);
    if (!original.empty() && exists(std::string(dir) + original)) {
      return Match{k_google, k_duplicate, std::move(original), false, true};
    }
  }
  return std::nullopt;
}

// OneDrive "keep both": "name-HOST.ext" beside "name.ext".
std::optional<Match> host_copy(std::string_view dir, std::string_view name,
                               const std::function<bool(std::string_view)>& exists,
                               const std::vector<std::string>& hosts) {
  for (const auto& host : hosts) {
    if (host.empty()) {
      continue;
    }
    // "-HOST" ends the name or its stem: each dot, and the end, is where a
    // host may stop (a name has few; it may have many dashes). In order, so
    // the first dash that fits is taken.
    for (std::size_t from = 0;;) {
      const auto dot = name.find('.', from);
      const auto end = dot == std::string_view::npos ? name.size() : dot;
      if (end > host.size() && name[end - host.size() - 1] == '-' &&
          util::equals_ignore_ascii_case(name.substr(end - host.size(), host.size()), host)) {
        auto original = cut(name, end - host.size() - 1, end);
        if (!original.empty() && exists(std::string(dir) + original)) {
          return Match{k_onedrive, k_conflict_copy, std::move(original), false, true};
        }
      }
      if (dot == std::string_view::npos) {
        break;
      }
      from = dot + 1;
    }
  }
  return std::nullopt;
}

std::optional<Match> classify_name(std::string_view dir, std::string_view name,
                                   const std::function<bool(std::string_view)>& exists,
                                   const std::vector<std::string>& hosts) {
  if (auto m = icloud_placeholder(name)) {
    return m;
  }
  if (auto m = temporary(name)) {
    return m;
  }
  if (auto m = syncthing_conflict(name)) {
    return m;
  }
  if (auto m = dropbox_conflict(name)) {
    return m;
  }
  if (auto m = numbered_duplicate(dir, name, exists)) {
    return m;
  }
  return host_copy(dir, name, exists, hosts);
}

// The position of the last '/' in `path`, or npos; eight bytes at a time
// from the end (names are long, folders few).
std::size_t last_slash(std::string_view path) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  std::size_t end = path.size();
  while (end >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, path.data() + end - 8, 8);
    const std::uint64_t x = word ^ ('/' * k_ones);
    if (((x - k_ones) & ~x & k_highs) != 0) {
      break;  // a '/' among these eight
    }
    end -= 8;
  }
  for (; end > 0; --end) {
    if (path[end - 1] == '/') {
      return end - 1;
    }
  }
  return std::string_view::npos;
}

// The classification and whether it is only a guess from a sibling.
std::optional<std::pair<Artefact, bool>> classify(std::string_view path,
                                                  const std::function<bool(std::string_view)>& exists,
                                                  const std::vector<std::string>& hosts) {
  const auto slash = last_slash(path);
  const auto dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
  const auto name = path.substr(dir.size());
  if (name.empty()) {
    return std::nullopt;
  }
  auto match = classify_name(dir, name, exists, hosts);
  if (!match) {
    return std::nullopt;
  }
  Artefact artefact;
  artefact.path = std::string(path);
  artefact.provider = std::string(match->provider);
  artefact.what = std::string(match->what);
  artefact.shadows = match->shadows.empty() ? std::string() : std::string(dir) + match->shadows;
  artefact.placeholder = match->placeholder;
  return std::make_pair(std::move(artefact), match->guessed);
}

} // namespace

std::optional<Artefact> classify_artefact(std::string_view path,
                                          const std::function<bool(std::string_view)>& exists,
                                          const std::vector<std::string>& hosts) {
  auto found = classify(path, exists, hosts);
  if (!found) {
    return std::nullopt;
  }
  return std::move(found->first);
}

std::vector<Artefact> take_artefacts(Index& local, Index& cloud, const Baseline& baseline,
                                     const std::vector<std::string>& hosts,
                                     const std::function<bool(const std::string&)>& claimed) {
  std::vector<Artefact> taken;
  for (const auto side : {Side::local, Side::cloud}) {
    auto& index = side == Side::local ? local : cloud;
    const auto& other_index = side == Side::local ? cloud : local;
    const auto exists = [&index](std::string_view path) { return index.files.count(std::string(path)) != 0; };
    std::vector<std::string> paths;
    for (const auto& [path, state] : index.files) {
      auto found = classify(path, exists, hosts);
      if (!found) {
        continue;
      }
      // A look-alike is a file of the user's unless only the cloud side has it
      // and it was never synced: the agent's folder has no cloud client.
      if (found->second &&
          (side == Side::local || other_index.files.count(path) != 0 || baseline.count(path) != 0 ||
           (claimed && claimed(path)))) {
        continue;
      }
      found->first.side = side;
      taken.push_back(std::move(found->first));
      paths.push_back(path);
    }
    for (const auto& path : paths) {
      index.files.erase(path);
    }
  }
  return taken;
}

} // namespace codexsync::scan
