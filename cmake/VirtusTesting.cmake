# virtus_add_test(NAME name SOURCES a_test.cpp ... LIBS lib ...)
# One GoogleTest executable per area; every TEST() becomes its own ctest case so that
# `ctest -j` spreads them over the cores.
include(GoogleTest)
function(virtus_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    VIRTUS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VIRTUS_FIXTURES_DIR="${VIRTUS_FIXTURES_DIR}"
    VIRTUS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 300)
endfunction()

# The libvirt reference cases live beside the repository (../shared/fixtures).
if(NOT VIRTUS_FIXTURES_DIR)
  get_filename_component(VIRTUS_FIXTURES_DIR
    "${PROJECT_SOURCE_DIR}/../shared/fixtures/libvirt-9.0.0" ABSOLUTE)
endif()
set(VIRTUS_FIXTURES_DIR "${VIRTUS_FIXTURES_DIR}" CACHE PATH "libvirt 9.0.0 reference cases")
