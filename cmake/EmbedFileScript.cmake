# Script mode helper for EmbedFile.cmake: writes the bytes as a hex array so
# no character in the input can break the generated source.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR byte_count "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE "${OUTPUT}"
"// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
"namespace ${NAMESPACE} {\nnamespace {\nconstexpr char k_bytes[] = {${body} '\\0'};\n}\n"
"extern const std::string_view ${SYMBOL};\n"
"const std::string_view ${SYMBOL}{k_bytes, ${byte_count}};\n}\n")
