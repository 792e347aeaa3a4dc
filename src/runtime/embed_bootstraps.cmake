# Writes OUT, a C++ file holding the bootstraps' sources as string literals.
file(READ ${NODE} node)
file(READ ${PYTHON} python)
file(WRITE ${OUT} "// Generated from src/runtime/bootstraps/ by embed_bootstraps.cmake.\n"
  "#include \"runtime/bootstraps.h\"\n"
  "namespace baton::runtime {\n"
  "const std::string_view kNodeBootstrapSource = R\"BATON_EMBED(${node})BATON_EMBED\";\n"
  "const std::string_view kPythonBootstrapSource = R\"BATON_EMBED(${python})BATON_EMBED\";\n"
  "}  // namespace baton::runtime\n")
