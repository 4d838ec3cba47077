# Writes OUT: a C++ file holding every migration file given in FILES (a
# ;-list, oldest first) as a string, for all_migrations().
set(body "")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ "${name}")
  set(version "${CMAKE_MATCH_1}")
  set(label "${CMAKE_MATCH_2}")
  math(EXPR version "${version}")
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${label}\", R\"icrm_sql(${sql})icrm_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from src/store/migrations/*.sql by embed_migrations.cmake.\n#include \"store/migrations.h\"\n\nnamespace icrm::store {\n\nstd::span<const Migration> all_migrations() {\n  static const Migration kAll[] = {\n${body}  };\n  return kAll;\n}\n\n}  // namespace icrm::store\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
