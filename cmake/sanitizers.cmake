# ASan + UBSan for the whole build (library, tests, CLI) when WEAKLINK_SANITIZE is on.
if(WEAKLINK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
