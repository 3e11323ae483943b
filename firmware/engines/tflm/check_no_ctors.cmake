# Post-link check of a TFLM firmware (cmake -DREADELF=... -DELF=... -P check_no_ctors.cmake):
# the board startup (boards/common/startup.c) calls main() without running static
# constructors, so an image that has any (.init_array or .ctors entries, e.g. from a TFLM
# library with dynamically initialised globals) would run with unconstructed objects.
execute_process(COMMAND "${READELF}" -S -W "${ELF}" OUTPUT_VARIABLE sections RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "error: ${READELF} -S ${ELF} failed")
endif()
foreach(name init_array ctors preinit_array)
  string(REGEX MATCH "\\.${name}[ ]+[A-Z_]+[ ]+[0-9a-f]+[ ]+[0-9a-f]+[ ]+([0-9a-f]+)" found "${sections}")
  set(size "${CMAKE_MATCH_1}")  # saved: the if(MATCHES) below overwrites CMAKE_MATCH_1
  if(found AND NOT size MATCHES "^0+$")
    # The leading space keeps CMake from wrapping the line.
    message(FATAL_ERROR " error: ${ELF} has static constructors (.${name}, 0x${size} bytes) but the board "
                        "startup does not run them: build TFLM without them or run them before main()")
  endif()
endforeach()
