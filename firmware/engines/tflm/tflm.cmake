# The TFLM engine (HIL_ENGINE=tflm), included by firmware/CMakeLists.txt.
#
# Compiles only this project's adapter (tflm_engine.cc, cxx_runtime.cc) against a TFLM tree the
# user provides and links the libtensorflow-microlite.a that TFLM's own Makefile built. The
# project never copies TFLM sources and never builds TFLM. TFLM_ROOT is either
#   - a tflite-micro checkout in which the library was built, e.g.
#       make -f tensorflow/lite/micro/tools/make/Makefile TARGET=cortex_m_generic \
#            TARGET_ARCH=cortex-m4+fp OPTIMIZED_KERNEL_DIR=cmsis_nn TARGET_TOOLCHAIN_ROOT=/usr/bin/ microlite
#     (headers of flatbuffers & co. under tensorflow/lite/micro/tools/make/downloads), or
#   - a tree exported by tensorflow/lite/micro/tools/project_generation/create_tflm_tree.py
#     (third-party headers under third_party/), with the library given as TFLM_LIB.
# Every check ends in one line saying what was expected. See docs/porting.md.

set(TFLM_ROOT "$ENV{TFLM_ROOT}" CACHE PATH "TFLM checkout or create_tflm_tree.py output (default: $TFLM_ROOT)")
set(TFLM_LIB "$ENV{TFLM_LIB}" CACHE FILEPATH
    "libtensorflow-microlite.a (default: the one for this board under TFLM_ROOT/gen/*/lib or TFLM_ROOT/tensorflow/lite/micro/tools/make/gen/*/lib)")
set(HIL_PYTHON "" CACHE FILEPATH "Python that can import hil (generates the op resolver from the model)")

function(hil_tflm_fail text)
  # The leading space makes CMake print the message as one unwrapped line.
  message(FATAL_ERROR " HIL_ENGINE=tflm: ${text} (see docs/porting.md)")
endfunction()

# ---- the board's TFLM TARGET_ARCH, from its compiler flags ----
string(REGEX MATCH "-mcpu=([^ ;]+)" _m "${HIL_CPU_FLAGS}")
set(HIL_TFLM_CPU "${CMAKE_MATCH_1}")
string(REGEX MATCH "-mfloat-abi=([^ ;]+)" _m "${HIL_CPU_FLAGS}")
set(HIL_TFLM_FLOAT_ABI "${CMAKE_MATCH_1}")
if(HIL_TFLM_FLOAT_ABI STREQUAL "hard" AND HIL_TFLM_CPU MATCHES "^cortex-m(4|7)$")
  set(HIL_TFLM_TARGET_ARCH "${HIL_TFLM_CPU}+fp")  # TFLM's plain cortex-m4/m7 are soft-float builds
else()
  set(HIL_TFLM_TARGET_ARCH "${HIL_TFLM_CPU}")
endif()
get_filename_component(_toolchain_root "${CMAKE_C_COMPILER}" DIRECTORY)  # TFLM's Makefile would download its own
set(HIL_TFLM_MAKE "make -f tensorflow/lite/micro/tools/make/Makefile TARGET=cortex_m_generic TARGET_ARCH=${HIL_TFLM_TARGET_ARCH} OPTIMIZED_KERNEL_DIR=cmsis_nn TARGET_TOOLCHAIN_ROOT=${_toolchain_root}/ microlite")

# ---- the tree: TFLM's headers and the third-party headers they include ----
if(NOT TFLM_ROOT)
  hil_tflm_fail("TFLM_ROOT is not set: pass -DTFLM_ROOT=<tflite-micro checkout> (or set $TFLM_ROOT)")
endif()
get_filename_component(TFLM_ROOT "${TFLM_ROOT}" ABSOLUTE)
if(NOT IS_DIRECTORY "${TFLM_ROOT}")
  hil_tflm_fail("TFLM_ROOT=${TFLM_ROOT} is not a directory")
endif()
foreach(_header micro_interpreter.h micro_mutable_op_resolver.h micro_profiler_interface.h micro_log.h)
  if(NOT EXISTS "${TFLM_ROOT}/tensorflow/lite/micro/${_header}")
    hil_tflm_fail("incomplete TFLM tree: ${TFLM_ROOT}/tensorflow/lite/micro/${_header} not found")
  endif()
endforeach()

set(_downloads "${TFLM_ROOT}/tensorflow/lite/micro/tools/make/downloads")
set(_flatbuffers "flatbuffers/include/flatbuffers/flatbuffers.h")
if(EXISTS "${TFLM_ROOT}/third_party/${_flatbuffers}")
  set(HIL_TFLM_LAYOUT "exported")
  set(_third_party "${TFLM_ROOT}/third_party")
elseif(EXISTS "${_downloads}/${_flatbuffers}")
  set(HIL_TFLM_LAYOUT "checkout")
  set(_third_party "${_downloads}")
elseif(EXISTS "${TFLM_ROOT}/tensorflow/lite/micro/tools/make/Makefile")
  hil_tflm_fail("${_downloads}/${_flatbuffers} not found: TFLM's Makefile downloads it; build the library first: ${HIL_TFLM_MAKE}")
else()
  hil_tflm_fail("flatbuffers not found: expected ${TFLM_ROOT}/third_party/${_flatbuffers} (exported tree) or ${_downloads}/${_flatbuffers} (checkout)")
endif()

# Trees before 2026 include gemmlowp's fixedpoint.h from their kernel headers; later ones carry
# their own copy. Require it only where the tree asks for it.
foreach(_common tensorflow/lite/kernels/internal/common.h tensorflow/lite/micro/kernels/internal/common.h)
  if(EXISTS "${TFLM_ROOT}/${_common}")
    file(STRINGS "${TFLM_ROOT}/${_common}" _uses_gemmlowp REGEX "include \"fixedpoint/fixedpoint.h\"")
    if(_uses_gemmlowp AND NOT EXISTS "${_third_party}/gemmlowp/fixedpoint/fixedpoint.h")
      hil_tflm_fail("${_third_party}/gemmlowp/fixedpoint/fixedpoint.h not found (${_common} includes it)")
    endif()
  endif()
endforeach()

set(HIL_TFLM_INCLUDES "${TFLM_ROOT}" "${_third_party}/flatbuffers/include")
foreach(_dir gemmlowp kissfft ruy)
  if(IS_DIRECTORY "${_third_party}/${_dir}")
    list(APPEND HIL_TFLM_INCLUDES "${_third_party}/${_dir}")
  endif()
endforeach()
if(HIL_TFLM_LAYOUT STREQUAL "checkout")
  list(APPEND HIL_TFLM_INCLUDES "${_downloads}")  # TFLM's Makefile adds it too
endif()

# ---- the library ----
if(TFLM_LIB)
  get_filename_component(TFLM_LIB "${TFLM_LIB}" ABSOLUTE)
  if(NOT EXISTS "${TFLM_LIB}")
    hil_tflm_fail("TFLM_LIB=${TFLM_LIB} not found")
  endif()
elseif(HIL_TFLM_LAYOUT STREQUAL "exported")
  hil_tflm_fail("an exported tree has no library: build libtensorflow-microlite.a with ${HIL_TFLM_MAKE} and pass -DTFLM_LIB=<path>")
else()
  # TFLM's Makefile writes gen/<target>_<arch>_<build type>[_<kernels>]_<toolchain>/lib/ at the
  # tree's top since 2022, under tensorflow/lite/micro/tools/make/ before: look in both.
  set(_gens "${TFLM_ROOT}/gen" "${TFLM_ROOT}/tensorflow/lite/micro/tools/make/gen")
  set(_all_libs "")
  foreach(_gen ${_gens})
    file(GLOB _found "${_gen}/*/lib/libtensorflow-microlite.a")
    list(APPEND _all_libs ${_found})
  endforeach()
  string(REPLACE "+" "\\+" _arch_re "${HIL_TFLM_TARGET_ARCH}")
  set(_libs ${_all_libs})
  list(FILTER _libs INCLUDE REGEX "/gen/cortex_m_generic_${_arch_re}_[^/]*/lib/")
  list(LENGTH _libs _count)
  string(REPLACE ";" " or " _where "${_gens}")
  if(_count EQUAL 0 AND _all_libs)
    string(REPLACE ";" ", " _others "${_all_libs}")
    hil_tflm_fail("no libtensorflow-microlite.a for TARGET_ARCH=${HIL_TFLM_TARGET_ARCH} under ${_where} (found only ${_others}): build it with ${HIL_TFLM_MAKE}, or pass -DTFLM_LIB=<path>")
  elseif(_count EQUAL 0)
    hil_tflm_fail("${TFLM_ROOT}/gen/cortex_m_generic_${HIL_TFLM_TARGET_ARCH}_*/lib/libtensorflow-microlite.a not found (nor under tensorflow/lite/micro/tools/make/gen, TFLM's layout before 2022): build it in the checkout with ${HIL_TFLM_MAKE}, or pass -DTFLM_LIB=<path>")
  elseif(_count GREATER 1)
    string(REPLACE ";" ", " _found "${_libs}")
    hil_tflm_fail("${_count} libraries for TARGET_ARCH=${HIL_TFLM_TARGET_ARCH}: ${_found}; choose one with -DTFLM_LIB=<path> (hil and pytest: --tflm-lib <path> or TFLM_LIB=<path>)")
  endif()
  set(TFLM_LIB "${_libs}")
endif()

# ---- what the library was built as: its ABI must match the board's, its symbols tell the rest ----
foreach(_tool READELF NM)
  if(NOT CMAKE_${_tool})
    string(TOLOWER "${_tool}" _lower)
    find_program(CMAKE_${_tool} arm-none-eabi-${_lower} REQUIRED)
  endif()
endforeach()
execute_process(COMMAND "${CMAKE_READELF}" -A "${TFLM_LIB}" OUTPUT_VARIABLE _attributes ERROR_QUIET)
if(NOT _attributes MATCHES "Tag_CPU")
  hil_tflm_fail("${TFLM_LIB} holds no Arm objects (readelf -A shows no build attributes)")
endif()
string(FIND "${_attributes}" "Tag_ABI_VFP_args: VFP registers" _hard_abi)
if(HIL_TFLM_FLOAT_ABI STREQUAL "hard" AND _hard_abi EQUAL -1)
  hil_tflm_fail("${TFLM_LIB} uses the soft-float calling convention but board ${HIL_BOARD} uses -mfloat-abi=hard: rebuild it with TARGET_ARCH=${HIL_TFLM_TARGET_ARCH}")
elseif(NOT HIL_TFLM_FLOAT_ABI STREQUAL "hard" AND NOT _hard_abi EQUAL -1)
  hil_tflm_fail("${TFLM_LIB} passes floats in VFP registers but board ${HIL_BOARD} does not use -mfloat-abi=hard")
endif()

execute_process(COMMAND "${CMAKE_NM}" -g --defined-only "${TFLM_LIB}" OUTPUT_VARIABLE _symbols ERROR_QUIET)
if(NOT _symbols MATCHES "MicroInterpreter")
  hil_tflm_fail("${TFLM_LIB} defines no MicroInterpreter: not a TFLM microlite library")
endif()
set(HIL_TFLM_DEFINES TF_LITE_STATIC_MEMORY TF_LITE_DISABLE_X86_NEON TF_LITE_MCU_DEBUG_LOG
    KERNELS_OPTIMIZED_FOR_SPEED)
string(REGEX MATCH "^cortex-m([0-9]+)" _m "${HIL_TFLM_CPU}")
if(_m)
  list(APPEND HIL_TFLM_DEFINES CPU_M${CMAKE_MATCH_1}=1 ARMCM${CMAKE_MATCH_1})  # as cortex_m_generic sets them
endif()
# A BUILD_TYPE=release library has no MicroPrintf (TF_LITE_STRIP_ERROR_STRINGS): the headers'
# inline code must then be compiled the same way, and TFLM emits no per-op profiler events.
if(NOT _symbols MATCHES "[TW] _Z11MicroPrintfPKcz")
  list(APPEND HIL_TFLM_DEFINES TF_LITE_STRIP_ERROR_STRINGS NDEBUG)
  message(STATUS "TFLM: ${TFLM_LIB} was built without error strings: no TFLM messages, no per-op profile")
endif()
if(_symbols MATCHES "[TW] arm_convolve_s8")
  list(APPEND HIL_TFLM_DEFINES CMSIS_NN)  # OPTIMIZED_KERNEL_DIR=cmsis_nn
endif()
set(HIL_TFLM_HAVE_LOG_CALLBACK 0)
if(_symbols MATCHES "T RegisterDebugLogCallback" AND
   EXISTS "${TFLM_ROOT}/tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h")
  set(HIL_TFLM_HAVE_LOG_CALLBACK 1)
endif()
message(STATUS "TFLM: ${HIL_TFLM_LAYOUT} tree ${TFLM_ROOT}, library ${TFLM_LIB}")
if(HIL_TFLM_FINGERPRINT)  # set by the harness so its build cache follows the library
  message(STATUS "TFLM: harness fingerprint ${HIL_TFLM_FINGERPRINT}")
endif()

# ---- the op resolver, generated from the model ----
if(NOT HIL_PYTHON)
  get_filename_component(_repo "${HIL_FIRMWARE_DIR}/.." ABSOLUTE)
  if(EXISTS "${_repo}/.venv/bin/python")
    set(HIL_PYTHON "${_repo}/.venv/bin/python")
  else()
    find_program(HIL_PYTHON python3 REQUIRED)
  endif()
endif()
execute_process(COMMAND "${HIL_PYTHON}" -c "import hil.engines.tflm as m; print(m.__file__, end='')"
                RESULT_VARIABLE _py OUTPUT_VARIABLE HIL_TFLM_CODEGEN ERROR_QUIET)
if(NOT _py EQUAL 0)
  hil_tflm_fail("${HIL_PYTHON} cannot import hil.engines.tflm: pass -DHIL_PYTHON=<the tinyml-hil virtualenv's python>")
endif()
set(HIL_TFLM_GEN_DIR "${CMAKE_BINARY_DIR}/tflm")
file(MAKE_DIRECTORY "${HIL_TFLM_GEN_DIR}")
add_custom_command(OUTPUT "${HIL_TFLM_GEN_DIR}/hil_tflm_ops.h"
                   COMMAND "${HIL_PYTHON}" -m hil.engines.tflm "${HIL_MODEL}" -o "${HIL_TFLM_GEN_DIR}/hil_tflm_ops.h"
                   DEPENDS "${HIL_MODEL}" "${HIL_TFLM_CODEGEN}"
                   COMMENT "Generating the TFLM op resolver for ${HIL_MODEL}")

# ---- the adapter ----
enable_language(CXX)
add_library(hil_engine_tflm STATIC ${HIL_FIRMWARE_DIR}/engines/tflm/tflm_engine.cc
            ${HIL_FIRMWARE_DIR}/engines/tflm/cxx_runtime.cc "${HIL_TFLM_GEN_DIR}/hil_tflm_ops.h")
set_target_properties(hil_engine_tflm PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
target_include_directories(hil_engine_tflm PRIVATE "${HIL_TFLM_GEN_DIR}")
target_include_directories(hil_engine_tflm SYSTEM PRIVATE ${HIL_TFLM_INCLUDES})
# TFLM's Makefile: CXXFLAGS and COMMON_FLAGS, and cortex_m_generic's PLATFORM_FLAGS.
target_compile_options(hil_engine_tflm PRIVATE ${HIL_CPU_FLAGS} -O2 -g -fno-rtti -fno-exceptions
                       -fno-threadsafe-statics -fno-unwind-tables -fno-asynchronous-unwind-tables
                       -ffunction-sections -fdata-sections -funsigned-char -Wall -Wextra
                       -Wno-unused-parameter)
target_compile_definitions(hil_engine_tflm PRIVATE ${HIL_TFLM_DEFINES} HIL_ARENA_BYTES=${HIL_ARENA_BYTES}
                           HIL_TFLM_HAVE_LOG_CALLBACK=${HIL_TFLM_HAVE_LOG_CALLBACK})
target_link_libraries(hil_engine_tflm PUBLIC hil_agent "${TFLM_LIB}")
set(HIL_ENGINE_LIB hil_engine_tflm)
set(HIL_ENGINE_INSTANCE hil_tflm_engine)

# Called by firmware/CMakeLists.txt once firmware.elf exists.
function(hil_engine_post_link target)
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX)  # libstdc++/libsupc++ nano for TFLM
  # The board startup runs no static constructors; fail the build rather than run without them.
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND ${CMAKE_COMMAND} -DREADELF=${CMAKE_READELF} -DELF=$<TARGET_FILE:${target}>
                             -P ${HIL_FIRMWARE_DIR}/engines/tflm/check_no_ctors.cmake)
endfunction()
