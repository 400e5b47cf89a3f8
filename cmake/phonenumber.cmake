# libphonenumber. Debian's libphonenumber-dev depends on Boost 1.74's -dev packages, which
# cannot be installed beside Boost 1.81's; tools/install-deps.sh then unpacks the same Debian
# package into .deps/ and we use its headers with the shared library from libphonenumber8.
set(KONFID_PHONENUMBER_ROOT "${CMAKE_SOURCE_DIR}/.deps/phonenumber" CACHE PATH
    "Where an unpacked libphonenumber-dev lives when it is not installed")
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h
          HINTS /usr/include "${KONFID_PHONENUMBER_ROOT}/usr/include" NO_DEFAULT_PATH)
find_library(PHONENUMBER_LIBRARY NAMES libphonenumber.so.8 libphonenumber.so
             HINTS /usr/lib/x86_64-linux-gnu /usr/lib NO_DEFAULT_PATH)
find_package(Protobuf REQUIRED)
find_package(absl REQUIRED)
if(NOT PHONENUMBER_INCLUDE_DIR OR NOT PHONENUMBER_LIBRARY)
  message(FATAL_ERROR "libphonenumber not found: run tools/install-deps.sh")
endif()
add_library(phonenumber_ext INTERFACE)
target_include_directories(phonenumber_ext SYSTEM INTERFACE "${PHONENUMBER_INCLUDE_DIR}")
target_link_libraries(phonenumber_ext INTERFACE "${PHONENUMBER_LIBRARY}" protobuf::libprotobuf)
