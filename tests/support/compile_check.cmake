# Runs the C++ compiler (-fsyntax-only) on one file as a consumer of socketio::socketio compiles
# it, and checks the outcome: the compile checks of tests/headers/ and tests/compile_fail/
# (docs/testing.md#compile-checks).
#
#   cmake -DFLAGS_FILE=<build>/tests/consumer_flags.cmake -DSOURCE=<file.cpp> -DEXPECT=success
#         ["-DEXTRA_FLAGS=-Wall -Werror"] -P compile_check.cmake
#
# EXPECT=success: the file must compile. EXPECT=failure: it must not, and the compiler's output
# must contain the text after "// expect: " on the file's first line. FLAGS_FILE (written by
# tests/CMakeLists.txt) names the compiler and the socketio target's interface: its include
# directories and definitions.
cmake_minimum_required(VERSION 3.25)

foreach(variable FLAGS_FILE SOURCE EXPECT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "compile_check.cmake: -D${variable}=... is missing")
  endif()
endforeach()
if(NOT EXPECT MATCHES "^(success|failure)$")
  message(FATAL_ERROR "compile_check.cmake: EXPECT=${EXPECT}: expected success or failure")
endif()
include(${FLAGS_FILE})

# The public headers with -I, so their warnings count; the dependencies' directories with
# -isystem, as CMake gives them to a consumer (their warnings are not ours); the compiler's own
# directories not at all (it searches them anyway, and must keep their order for #include_next).
set(command ${SIO_CXX_COMPILER} -std=c++20 -fsyntax-only -fdiagnostics-color=never
            -I${SIO_PUBLIC_INCLUDE_DIR})
set(seen ${SIO_PUBLIC_INCLUDE_DIR} ${SIO_IMPLICIT_INCLUDE_DIRS})
foreach(directory IN LISTS SIO_INTERFACE_INCLUDE_DIRS)
  if(NOT directory IN_LIST seen)
    list(APPEND command -isystem ${directory})
    list(APPEND seen ${directory})
  endif()
endforeach()
foreach(definition IN LISTS SIO_INTERFACE_DEFINITIONS)
  list(APPEND command -D${definition})
endforeach()
separate_arguments(extra_flags UNIX_COMMAND "${EXTRA_FLAGS}")
list(APPEND command ${extra_flags} ${SOURCE})

set(ENV{LC_ALL} C)  # ASCII messages ('x', not ‘x’): the text an expectation names
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
list(JOIN command " " command_line)

if(EXPECT STREQUAL "success")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SOURCE} does not compile:\n${command_line}\n${output}")
  endif()
  return()
endif()

file(READ ${SOURCE} head LIMIT 1000)
if(NOT head MATCHES "^// expect: ([^\r\n]+)")
  message(FATAL_ERROR "${SOURCE}: the first line must be \"// expect: <text of the error>\"")
endif()
string(STRIP "${CMAKE_MATCH_1}" expected)
if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiles, but must not (expected an error with \"${expected}\"):\n"
                      "${command_line}\n${output}")
endif()
string(FIND "${output}" "${expected}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${SOURCE} fails to compile, but its errors do not contain \"${expected}\":\n"
                      "${command_line}\n${output}")
endif()
message(STATUS "refused as expected, with \"${expected}\":\n${output}")  # ctest -V shows it
