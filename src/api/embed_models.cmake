# Writes OUT, a C++ file holding the API models named in MODELS (comma-separated; models/NAME.json) as raw
# string literals, looked up by api::embedded_model(NAME).
string(REPLACE "," ";" MODELS "${MODELS}")
set(entries "")
set(literals "")
foreach(name ${MODELS})
  file(READ ${MODELS_DIR}/${name}.json text)
  string(MAKE_C_IDENTIFIER ${name} id)
  string(APPEND literals "constexpr std::string_view k_${id} = R\"baton_model(${text})baton_model\";\n")
  string(APPEND entries "    {\"${name}\", k_${id}},\n")
endforeach()
file(WRITE ${OUT} "// Generated from models/*.json by embed_models.cmake.\n"
  "#include \"api/model.h\"\n"
  "namespace baton::api {\n"
  "namespace {\n"
  "${literals}"
  "struct Entry {\n  std::string_view name;\n  std::string_view text;\n};\n"
  "constexpr Entry kModels[] = {\n${entries}};\n"
  "}  // namespace\n"
  "std::optional<std::string_view> embedded_model(std::string_view name) {\n"
  "  for (const Entry& e : kModels) {\n"
  "    if (e.name == name) return e.text;\n"
  "  }\n"
  "  return std::nullopt;\n"
  "}\n"
  "}  // namespace baton::api\n")
