# A Debian package of the installed tree: libsocketio-cpp-dev (headers, static libraries, CMake
# package, pkg-config file). Build it from a release tree configured for /usr so the libraries go
# to the multiarch directory:
#   cmake --preset release -DCMAKE_INSTALL_PREFIX=/usr && cmake --build --preset release
#   cpack --config build/release/CPackConfig.cmake -B build/release/package
# Depends are Debian 12's -dev packages of what a static build leaves to the program's link and
# what the public headers include (docs/packaging.md).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libsocketio-cpp-dev)
set(CPACK_PACKAGE_VENDOR "socketio-cpp")
set(CPACK_PACKAGE_CONTACT "socketio-cpp maintainers <socketio-cpp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Socket.IO v5 / Engine.IO v4 server for C++20 on Boost.Beast (development files)")
set(CPACK_PACKAGE_DESCRIPTION
    "Headers, static libraries, CMake package (find_package(socketio-cpp)) and pkg-config file.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)  # a package never installs to /usr/local
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # libsocketio-cpp-dev_0.2.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-url1.81-dev, nlohmann-json3-dev (>= 3.10), libspdlog-dev, libfmt-dev, libssl-dev, zlib1g-dev")
if(TARGET socketio_redis)
  # socketio::redis: the program links hiredis, which the CMake package finds with pkg-config.
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libhiredis-dev, pkg-config")
endif()
if(BUILD_SHARED_LIBS)
  # The shared libraries' own run-time dependencies (libspdlog, libssl, ...) from dpkg-shlibdeps.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
