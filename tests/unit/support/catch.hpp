#pragma once
// One include for Catch2 v2 (Debian 12) and v3.
#ifdef CODEXSYNC_CATCH3
#include <catch2/catch_all.hpp>
#else
#define CATCH_CONFIG_EXTERNAL_INTERFACES // event listeners (TempDir keeps files of failed tests)
#include <catch2/catch.hpp>
#endif

// A substring matcher that shows both strings when it fails (renamed in v3).
#ifdef CODEXSYNC_CATCH3
#define CS_CONTAINS(text) Catch::Matchers::ContainsSubstring(text)
#else
#define CS_CONTAINS(text) Catch::Matchers::Contains(text)
#endif
