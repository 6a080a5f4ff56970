# embed_text_file(INPUT f OUTPUT out.cpp NAMESPACE ns SYMBOL name)
# Generates a .cpp defining `extern const std::string_view ns::name` with the
# file's bytes, regenerated whenever the input changes.
function(embed_text_file)
  cmake_parse_arguments(ARG "" "INPUT;OUTPUT;NAMESPACE;SYMBOL" "" ${ARGN})
  add_custom_command(
    OUTPUT "${ARG_OUTPUT}"
    COMMAND "${CMAKE_COMMAND}"
            -DINPUT=${ARG_INPUT} -DOUTPUT=${ARG_OUTPUT}
            -DNAMESPACE=${ARG_NAMESPACE} -DSYMBOL=${ARG_SYMBOL}
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/EmbedFileScript.cmake"
    DEPENDS "${ARG_INPUT}" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/EmbedFileScript.cmake"
    COMMENT "Embedding ${ARG_INPUT}"
    VERBATIM)
endfunction()
