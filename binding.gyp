{
  # The same addon as CMakeLists.txt, from the same sources (a test checks that this lists every
  # .cc file of native/core/ and native/node/). Includes are spelled from native/ ("core/emit.h",
  # "generated/uops.h"). Headers come from npm_config_nodedir when node-gyp cannot download them.
  'targets': [
    {
      'target_name': 'jitctl',
      'sources': [
        'native/core/bounds.cc',
        'native/core/emit.cc',
        'native/core/engine.cc',
        'native/core/exec_memory.cc',
        'native/core/externs.cc',
        'native/core/mapping_budget.cc',
        'native/core/patch/aarch64.cc',
        'native/core/patch/reloc_kinds.cc',
        'native/core/patch/x86_64.cc',
        'native/core/registers.cc',
        'native/core/target.cc',
        'native/core/trace.cc',
        'native/core/validate.cc',
        'native/core/webs.cc',
        'native/node/environment.cc',
        'native/node/kernel_object.cc',
        'native/node/module.cc',
      ],
      'include_dirs': ['native/include', 'native'],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
      'defines': [
        'NAPI_VERSION=8',
        # A worker terminated inside kernel.call cannot throw into JS any more; without this,
        # node-addon-api calls std::terminate and the whole process aborts.
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
        'JITCTL_SOURCE_DIGEST="<!(node native/source-digest.js)"',
      ],
      # -O2 last wins over node-gyp's Release -O3; CMakeLists.txt uses the same flags.
      'cflags_cc': ['-std=c++17', '-O2', '-fvisibility=hidden', '-fvisibility-inlines-hidden', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'cflags_cc!': ['-std=gnu++17', '-fno-exceptions', '-fno-rtti'],
      'conditions': [
        # Prebuilds must load on older distributions than the build machine's: no dependency on
        # the system's libstdc++ version; --exclude-libs and the version script keep the static
        # runtime's and std:: template symbols out of the addon's exports (CMakeLists.txt links the
        # cmake-js build the same way).
        ['OS=="linux"', {'ldflags': ['-static-libstdc++', '-static-libgcc', '-Wl,--exclude-libs,ALL',
                                     '-Wl,--version-script=<(module_root_dir)/native/node/exports.map']}],
        ['OS=="mac"', {'xcode_settings': {'GCC_ENABLE_CPP_EXCEPTIONS': 'YES', 'CLANG_CXX_LANGUAGE_STANDARD': 'c++17'}}],
      ],
    },
  ],
}
