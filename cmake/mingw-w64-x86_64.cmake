# Cross-compiling the agent for Windows with Debian's mingw-w64; tests run under wine.
# The dependencies come from installer/windows/build-deps.sh (WHB_WIN_PREFIX).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(WHB_WIN_PREFIX "" CACHE PATH "Prefix of the Windows dependencies (build-deps.sh)")
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${WHB_WIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
