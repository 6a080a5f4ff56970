# Warnings for our own code only; -Werror in dev/CI builds (CODEXSYNC_WERROR), off for users.
add_library(codexsync_warnings INTERFACE)
if(MSVC)
  target_compile_options(codexsync_warnings INTERFACE /W4 /permissive- /utf-8)
  if(CODEXSYNC_WERROR)
    target_compile_options(codexsync_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(codexsync_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2)
  if(CODEXSYNC_WERROR)
    target_compile_options(codexsync_warnings INTERFACE -Werror)
  endif()
endif()
