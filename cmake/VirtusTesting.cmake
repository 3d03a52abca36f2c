# virtus_add_test(NAME name SOURCES a_test.cpp ... LIBS lib ... [SERVICES ceph])
# One GoogleTest executable per area; every TEST() becomes its own ctest case so that
# `ctest -j` spreads them over the cores. SERVICES names the real service (tests/services)
# its tests use: ctest starts it once per run before them and stops it afterwards.
include(GoogleTest)
function(virtus_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;SERVICES" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    VIRTUS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VIRTUS_FIXTURES_DIR="${VIRTUS_FIXTURES_DIR}"
    VIRTUS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  set(extra)
  if(T_SERVICES)
    # gtest_discover_tests passes properties through a generated script that cannot carry a
    # list: one service per executable.
    list(LENGTH T_SERVICES n)
    if(n GREATER 1)
      message(FATAL_ERROR "${T_NAME}: one service per test executable")
    endif()
    virtus_service_fixture(${T_SERVICES})
    set(extra FIXTURES_REQUIRED service.${T_SERVICES}
              ENVIRONMENT "VIRTUS_SERVICES_DIR=${VIRTUS_SERVICES_DIR}")
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 300 ${extra})
endfunction()

# The real services the tests use (Ceph, Gluster, tgtd), each started by
# tests/services/NAME.sh under VIRTUS_SERVICES_DIR/NAME, which writes NAME/env (KEY=VALUE
# lines the tests read) once it is ready. ctest runs services.NAME.start before the first
# test that needs it and services.NAME.stop after the last, even when tests fail.
set(VIRTUS_SERVICES_DIR "${PROJECT_BINARY_DIR}/services")
function(virtus_service_fixture name)
  get_property(defined GLOBAL PROPERTY VIRTUS_SERVICE_FIXTURE_${name})
  if(defined)
    return()
  endif()
  set_property(GLOBAL PROPERTY VIRTUS_SERVICE_FIXTURE_${name} TRUE)
  set(script ${PROJECT_SOURCE_DIR}/tests/services/${name}.sh)
  add_test(NAME services.${name}.start COMMAND ${script} start ${VIRTUS_SERVICES_DIR}/${name})
  add_test(NAME services.${name}.stop COMMAND ${script} stop ${VIRTUS_SERVICES_DIR}/${name})
  set_tests_properties(services.${name}.start PROPERTIES FIXTURES_SETUP service.${name} TIMEOUT 180)
  set_tests_properties(services.${name}.stop PROPERTIES FIXTURES_CLEANUP service.${name} TIMEOUT 120)
endfunction()

# The libvirt reference cases live beside the repository (../shared/fixtures).
if(NOT VIRTUS_FIXTURES_DIR)
  get_filename_component(VIRTUS_FIXTURES_DIR
    "${PROJECT_SOURCE_DIR}/../shared/fixtures/libvirt-9.0.0" ABSOLUTE)
endif()
set(VIRTUS_FIXTURES_DIR "${VIRTUS_FIXTURES_DIR}" CACHE PATH "libvirt 9.0.0 reference cases")
