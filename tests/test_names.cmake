# Run by CTest (tests/CMakeLists.txt): fails when a TEST_CASE name in tests/test_*.cpp holds ';',
# which doctest_discover_tests would cut into two CTest entries that run nothing and pass.
file(GLOB sources "${TESTS_DIR}/test_*.cpp")
set(offending "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" names REGEX "TEST_CASE\\(\"[^\"]*;")
  if(names)
    list(APPEND offending "${source}")
  endif()
endforeach()
if(offending)
  list(JOIN offending ", " files)
  message(FATAL_ERROR "a TEST_CASE name holds ';' (CTest would never run it; write ',' instead) in: ${files}")
endif()
