# konfid_module(NAME folder-name DEPS <konfid modules> LIBS <outside libraries>)
# Turns one source folder into one static library `konfid_<name>` and sorts its tests by
# suffix: *_test.cc are unit tests (label `unit`), *_pgtest.cc need a live PostgreSQL (label
# `pg`, run inside the throwaway cluster fixture). Outside libraries are linked PRIVATE, so a
# folder that does not declare a library cannot include its headers.
function(konfid_module NAME)
  cmake_parse_arguments(M "" "" "DEPS;LIBS;TEST_LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  file(GLOB pgtests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_pgtest.cc)
  list(REMOVE_ITEM srcs ${tests} ${pgtests} "")
  set(lib konfid_${NAME})
  add_library(${lib} STATIC ${srcs})
  target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${lib} PUBLIC ${M_DEPS} PRIVATE ${M_LIBS})
  if(tests)
    add_executable(${lib}_test ${tests})
    target_link_libraries(${lib}_test PRIVATE ${lib} ${M_DEPS} ${M_LIBS} ${M_TEST_LIBS}
                          konfid_test_support konfid_test_fakes GTest::gtest GTest::gmock GTest::gtest_main)
    add_test(NAME ${NAME}_unit COMMAND ${lib}_test)
    set_tests_properties(${NAME}_unit PROPERTIES LABELS unit)
  endif()
  if(pgtests)
    add_executable(${lib}_pgtest ${pgtests})
    target_link_libraries(${lib}_pgtest PRIVATE ${lib} ${M_DEPS} ${M_LIBS} ${M_TEST_LIBS}
                          konfid_test_support konfid_test_fakes GTest::gtest GTest::gmock GTest::gtest_main)
    konfid_pg_test(${NAME}_pg ${lib}_pgtest)
  endif()
endfunction()

# A test that needs the throwaway PostgreSQL cluster started by tests/support/pg_cluster.sh.
function(konfid_pg_test NAME TARGET)
  add_test(NAME ${NAME} COMMAND ${TARGET})
  set_tests_properties(${NAME} PROPERTIES LABELS pg FIXTURES_REQUIRED pg_cluster
    ENVIRONMENT "KONFID_TEST_PG_FILE=${CMAKE_BINARY_DIR}/pg_cluster/url")
endfunction()
