# Install rules: the public headers, the libraries, a CMake package (socketio-cppConfig.cmake,
# targets socketio::socketio, socketio::engineio, socketio::testing, socketio::socketio_cluster and
# socketio::redis), a pkg-config file (socketio-cpp.pc) and the socketio-emit command.
# Included by the top-level CMakeLists.txt when SIO_INSTALL is ON; docs/packaging.md shows the use.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SIO_PACKAGE socketio-cpp)
set(SIO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/${SIO_PACKAGE})

# A static socketio/engineio passes its internal libraries on as link-only dependencies, so they are
# installed too (no headers of theirs). A shared one has them linked in.
set(sio_installed_targets socketio engineio)
if(TARGET socketio_app)
  list(APPEND sio_installed_targets socketio_app)  # socketio::app: routes, static files, sessions
endif()
get_target_property(sio_engineio_type engineio TYPE)
if(sio_engineio_type STREQUAL "STATIC_LIBRARY")
  set(SIO_STATIC ON)
  list(APPEND sio_installed_targets socketio_protocol engineio_protocol sio_asio)
else()
  set(SIO_STATIC OFF)
endif()

# Clusters: the cluster adapter, the Emitter and the loopback broker (socketio::socketio_cluster),
# and the Redis driver with redis_adapter()/redis_emitter() (socketio::redis, over hiredis).
set(SIO_HAS_REDIS OFF)
if(TARGET socketio_cluster)
  list(APPEND sio_installed_targets socketio_cluster)
endif()
if(TARGET socketio_redis)
  list(APPEND sio_installed_targets socketio_redis)
  set(SIO_HAS_REDIS ON)
endif()

# The in-process test client for applications' unit tests (socketio::testing, always static).
if(TARGET socketio_testing)
  list(APPEND sio_installed_targets socketio_testing)
endif()

install(TARGETS ${sio_installed_targets}
  EXPORT socketio-cpp-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/engineio ${PROJECT_SOURCE_DIR}/include/socketio
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
  FILES_MATCHING PATTERN "*.hpp")
if(TARGET socketio-emit)
  install(TARGETS socketio-emit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dev)
endif()
install(EXPORT socketio-cpp-targets
  NAMESPACE socketio::
  FILE socketio-cppTargets.cmake
  DESTINATION ${SIO_CMAKE_DIR} COMPONENT dev)

# Compatibility: while the major version is 0, a minor version may break the API (CHANGELOG.md),
# so find_package(socketio-cpp 0.2) accepts 0.2.x only. From 1.0 on this becomes SameMajorVersion.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(sio_compatibility SameMinorVersion)
else()
  set(sio_compatibility SameMajorVersion)
endif()
# The Boost the library was built with (find_dependency asks for at least that one).
set(SIO_BOOST_VERSION ${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/socketio-cppConfig.cmake.in
  ${PROJECT_BINARY_DIR}/socketio-cppConfig.cmake
  INSTALL_DESTINATION ${SIO_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/socketio-cppConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY ${sio_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/socketio-cppConfig.cmake
              ${PROJECT_BINARY_DIR}/socketio-cppConfigVersion.cmake
  DESTINATION ${SIO_CMAKE_DIR} COMPONENT dev)

# pkg-config. Only nlohmann_json is a Requires (the public headers include it); the libraries'
# private dependencies are named in Libs, not required, so their Cflags (spdlog's -DSPDLOG_*) stay
# off the consumer's compile line (pkgconf passes Cflags of Requires.private on as well). A static
# build lists every library a consumer must link (there is no shared library to carry them); a
# shared one lists only ours, the rest in Libs.private for `pkg-config --static`.
set(sio_pc_private_libs "-lboost_url -lspdlog -lfmt -lssl -lcrypto -lz")
# socketio_app (routes, static files, sessions) and socketio_testing (the test client) in the same
# .pc, before the libraries they use: one package name for pkg-config users, as for CMake's; an
# unused static archive adds nothing to a program, an unused shared socketio_app only a NEEDED
# entry (none with --as-needed).
set(sio_pc_app_libs "")
foreach(sio_pc_target socketio_testing socketio_app)
  if(TARGET ${sio_pc_target})
    string(APPEND sio_pc_app_libs "-l${sio_pc_target} ")
  endif()
endforeach()
if(SIO_STATIC)
  set(SIO_PC_LIBS
      "${sio_pc_app_libs}-lsocketio -lsocketio_protocol -lengineio -lengineio_protocol -lsio_asio ${sio_pc_private_libs} -pthread")
  set(SIO_PC_LIBS_PRIVATE "")
else()
  set(SIO_PC_LIBS "${sio_pc_app_libs}-lsocketio -lengineio -pthread")
  set(SIO_PC_LIBS_PRIVATE "${sio_pc_private_libs}")
endif()
# The cluster layers come first (a static link resolves left to right); hiredis is the Redis
# driver's private dependency.
if(SIO_HAS_REDIS)
  string(PREPEND SIO_PC_LIBS "-lsocketio_redis -lsocketio_cluster ")
  if(SIO_STATIC)
    string(REPLACE " -pthread" " -lhiredis -pthread" SIO_PC_LIBS "${SIO_PC_LIBS}")
  else()
    string(APPEND SIO_PC_LIBS_PRIVATE " -lhiredis")
  endif()
endif()
# The prefix is found from the .pc file's own place, so the tree can be installed anywhere
# (cmake --install --prefix DIR) and stays relocatable.
file(RELATIVE_PATH SIO_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" SIO_PC_TO_PREFIX "${SIO_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/socketio-cpp.pc.in ${PROJECT_BINARY_DIR}/socketio-cpp.pc
  @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/socketio-cpp.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/CHANGELOG.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
