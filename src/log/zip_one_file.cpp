#include "rotating_file.hpp"

#include <codexsync/util/fs.hpp>

#include <zip.h>

namespace codexsync::log::detail {

bool zip_one_file(const std::filesystem::path& source, const std::filesystem::path& zip_path,
                  const std::string& entry_name, std::string& error) {
  int code = 0;
  zip_t* archive = zip_open(util::display_path(zip_path).c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (archive == nullptr) {
    zip_error_t zip_error;
    zip_error_init_with_code(&zip_error, code);
    error = zip_error_strerror(&zip_error);
    zip_error_fini(&zip_error);
    return false;
  }
  // Length 0 means "to the end of the file" in every libzip version.
  zip_source_t* data = zip_source_file(archive, util::display_path(source).c_str(), 0, 0);
  if (data == nullptr) {
    error = zip_strerror(archive);
    zip_discard(archive);
    return false;
  }
  if (zip_file_add(archive, entry_name.c_str(), data, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
    error = zip_strerror(archive);
    zip_source_free(data);
    zip_discard(archive);
    return false;
  }
  if (zip_close(archive) != 0) {
    error = zip_strerror(archive);
    zip_discard(archive);
    return false;
  }
  return true;
}

} // namespace codexsync::log::detail
