# The web console inside whb-collector: its files (collector/console/web/) turned into a C table at
# build time (embed_web.cmake), compiled into the collector's core.
set(WHB_WEB_DIR ${PROJECT_SOURCE_DIR}/collector/console/web)
set(WHB_WEB_ASSETS ${PROJECT_BINARY_DIR}/collector/web_assets.c)
file(GLOB_RECURSE WHB_WEB_FILES CONFIGURE_DEPENDS ${WHB_WEB_DIR}/*)
add_custom_command(OUTPUT ${WHB_WEB_ASSETS}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${WHB_WEB_DIR} -DOUT=${WHB_WEB_ASSETS}
    -P ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${WHB_WEB_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "Embedding the web console (collector/console/web/)")
target_sources(whb_collector_core PRIVATE ${WHB_WEB_ASSETS})
# The table is made here but compiled in collector/: a target carries the rule across.
add_custom_target(whb_web_assets DEPENDS ${WHB_WEB_ASSETS})
set_source_files_properties(${WHB_WEB_ASSETS} TARGET_DIRECTORY whb_collector_core
  PROPERTIES GENERATED TRUE)
add_dependencies(whb_collector_core whb_web_assets)
