# Every unit test file tests/LAYER/NAME_test.cc becomes one GoogleTest executable linked
# against its layer's library and registered with CTest. No test file can be left unwired.
file(GLOB_RECURSE test_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/*_test.cc)
foreach(test_source ${test_sources})
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/tests ${test_source})
  string(REGEX MATCH "^[^/]+" layer ${rel})
  get_filename_component(test_name ${test_source} NAME_WE)
  set(target ${layer}_${test_name})
  add_executable(${target} ${test_source})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${target} PRIVATE stockroom_${layer} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    STOCKROOM_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  add_test(NAME ${target} COMMAND ${target})
  set_tests_properties(${target} PROPERTIES TIMEOUT 300 LABELS unit)
endforeach()

# Layering check: a lower layer's sources must not include a higher layer's headers
# (header-only Boost means the linker would not notice).
add_test(NAME layering
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/CheckLayering.cmake)
set_tests_properties(layering PROPERTIES LABELS unit)

# Black-box tests: pytest drives the real binary over HTTP.
add_test(NAME blackbox
  COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/tests/blackbox
          --stockroom-binary=$<TARGET_FILE:stockroom>)
set_tests_properties(blackbox PROPERTIES TIMEOUT 900 LABELS blackbox)
