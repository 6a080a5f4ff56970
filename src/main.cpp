#include <codexsync/cli/cli.hpp>

int main(int argc, char** argv) { return codexsync::cli::main_entry(argc, argv); }
