# Writes OUT, a C++ file holding the bytes of INPUT (a program) as NAME, a std::string_view
# declared in runtime/bootstraps.h.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from ${INPUT} by embed_binary.cmake.\n"
  "#include \"runtime/bootstraps.h\"\n"
  "namespace baton::runtime {\n"
  "namespace {\n"
  "const unsigned char kBytes[] = {${bytes}};\n"
  "}  // namespace\n"
  "const std::string_view ${NAME}(reinterpret_cast<const char*>(kBytes), sizeof kBytes);\n"
  "}  // namespace baton::runtime\n")
