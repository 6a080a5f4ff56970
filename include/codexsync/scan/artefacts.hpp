#pragma once

#include <codexsync/core/index.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// Files a cloud client makes on its own in the folder it syncs: conflict
// copies, temporary downloads, placeholders of files not downloaded. They are
// never imported into the agent's folder and never count as a deletion; they
// are listed (status, plan) and `codexsync artefacts clean` moves them into the
// backup store.
namespace codexsync::scan {

struct Artefact {
  std::string path;      // relative to the side's root, '/'-separated
  Side side = Side::cloud;
  std::string provider;  // "Dropbox", "OneDrive", "Google Drive", "Syncthing", "iCloud"
  std::string what;      // "conflict copy", "temporary file", "placeholder (not downloaded)", "duplicate"
  std::string shadows;   // the path it is a copy or placeholder of ("" when the name does not say)
  // An iCloud `.name.icloud` stub: `shadows` is not available on this computer
  // (evicted), which never means it was deleted.
  bool placeholder = false;
};

// What a path's name says it is (nullopt: an ordinary file). Only the last
// name of `path` is looked at; `shadows` keeps the folder. `exists(path)` tells
// whether another path is in the same listing: "name (1).ext" (Google Drive)
// and "name-HOST.ext" (OneDrive, HOST one of `hosts`, the computer names known
// to sync this folder, ignoring ASCII case) count only beside their original
// "name.ext". A marker stands at the end of the name or before a dot, so
// "a (1).tar.gz", "notes (1)" and ".hidden (1)" work too. Pure.
std::optional<Artefact> classify_artefact(std::string_view path,
                                          const std::function<bool(std::string_view)>& exists,
                                          const std::vector<std::string>& hosts);

// Moves the artefacts out of both indexes and returns them, sorted by side
// (local first) then path. A name that only looks like a duplicate
// ("name (1).ext", "name-HOST.ext") is taken from the cloud side only, and
// only when the local side does not have it and the baseline does not know
// it: otherwise it is a file of the user's (the agent's folder has no cloud
// client). Unmistakable names (Syncthing, Dropbox markers, iCloud stubs,
// temporary files) are taken from both sides.
// `claimed(path)`: true for a path some machine's delivery record says
// codexsync wrote to the mirror (or deleted there); a look-alike among them
// is the user's file too. Empty: none is.
std::vector<Artefact> take_artefacts(Index& local, Index& cloud, const Baseline& baseline,
                                     const std::vector<std::string>& hosts,
                                     const std::function<bool(const std::string&)>& claimed = {});

} // namespace codexsync::scan
