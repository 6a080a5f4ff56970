// Catch2 v2 needs one translation unit to provide main(); v3 links Catch2WithMain.
#ifndef CODEXSYNC_CATCH3
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#endif
