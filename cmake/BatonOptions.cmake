# The one place compiler flags live: every baton target links baton_options.
add_library(baton_options INTERFACE)
target_compile_options(baton_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual
  -Wimplicit-fallthrough -Wmissing-declarations)
target_include_directories(baton_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(BATON_WERROR)
  target_compile_options(baton_options INTERFACE -Werror)
endif()
if(BATON_SANITIZE)
  target_compile_options(baton_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(baton_options INTERFACE -fsanitize=address,undefined)
endif()
if(BATON_FUZZ)
  target_compile_options(baton_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
  target_link_options(baton_options INTERFACE -fsanitize=address,undefined)
endif()
