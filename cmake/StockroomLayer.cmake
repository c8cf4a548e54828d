# stockroom_layer(NAME DEPS ...): one static library per architecture layer, built from
# src/NAME/*.cc (and src/NAME/*/*.cc), public headers in include/stockroom/NAME/.
function(stockroom_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/src/${name}/*.cc)
  add_library(stockroom_${name} STATIC ${sources})
  target_include_directories(stockroom_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(stockroom_${name} PUBLIC ${ARG_DEPS})
endfunction()
