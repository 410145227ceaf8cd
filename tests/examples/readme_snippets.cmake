# Cuts the C++ blocks out of README.md so that examples_tests compiles and runs them as written
# (readme_test.cpp): the README cannot drift from the API. Run at build time:
#   cmake -DREADME=README.md -DOUT=dir -P readme_snippets.cmake
# Writes OUT/readme_1.cpp … readme_3.cpp, each with a #line pointing into README.md (a compile error
# names the README's line). Only two things change: `int main()` becomes `void readme_main_N()`
# (only main may end without a return statement), and `io.run(` becomes `readme_serve(io, `
# (readme_test.cpp listens on a free port instead of 5000).
# The third block is a GoogleTest test; it gets the includes it needs and block 1's install().
cmake_minimum_required(VERSION 3.25)  # script mode: today's policies (while(TRUE))
file(READ "${README}" text)
set(expected 3)
set(count 0)
set(rest "${text}")
set(offset 0)
while(TRUE)
  string(FIND "${rest}" "```cpp\n" open)
  if(open EQUAL -1)
    break()
  endif()
  math(EXPR body_start "${open} + 7")
  string(SUBSTRING "${rest}" ${body_start} -1 after)
  string(FIND "${after}" "```" close)
  if(close EQUAL -1)
    message(FATAL_ERROR "README.md: a ```cpp block is not closed")
  endif()
  string(SUBSTRING "${after}" 0 ${close} block)
  # The block's first line number in README.md.
  math(EXPR absolute "${offset} + ${body_start}")
  string(SUBSTRING "${text}" 0 ${absolute} before)
  string(REGEX MATCHALL "\n" newlines "${before}")
  list(LENGTH newlines line)
  math(EXPR line "${line} + 1")
  math(EXPR count "${count} + 1")

  string(REPLACE "int main()" "void readme_main_${count}()" block "${block}")
  string(REPLACE "io.run(" "readme_serve(io, " block "${block}")
  set(prologue "// Generated from README.md by tests/examples/readme_snippets.cmake: edit the README.\n")
  string(APPEND prologue "#include <cstdint>\n#include <string_view>\n")
  string(APPEND prologue "#include \"socketio/server.hpp\"\n")
  string(APPEND prologue
         "void readme_serve(socketio::Server& io, std::string_view host, std::uint16_t port);\n")
  if(count EQUAL 3)
    string(APPEND prologue "#include <gtest/gtest.h>\n#include \"socketio/socketio.hpp\"\n")
    string(APPEND prologue "#include \"socketio/test_client.hpp\"\nusing socketio::json;\n")
    string(APPEND prologue "void install(socketio::Server& io);  // README block 1\n")
  endif()
  file(WRITE "${OUT}/readme_${count}.cpp.new" "${prologue}#line ${line} \"${README}\"\n${block}")
  file(COPY_FILE "${OUT}/readme_${count}.cpp.new" "${OUT}/readme_${count}.cpp" ONLY_IF_DIFFERENT)
  file(REMOVE "${OUT}/readme_${count}.cpp.new")

  math(EXPR consumed "${body_start} + ${close} + 3")
  math(EXPR offset "${offset} + ${consumed}")
  string(SUBSTRING "${rest}" ${consumed} -1 rest)
endwhile()
if(NOT count EQUAL expected)
  message(FATAL_ERROR "README.md has ${count} ```cpp blocks, tests/examples/readme_test.cpp runs "
                      "${expected}: the server, the App and the TestClient test. Update both.")
endif()
