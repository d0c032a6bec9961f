{
  "targets": [
    {
      "target_name": "pmem_conform",
      "sources": [
        "native/addon/addon.cc",
        "native/addon/pmem2_api.cc",
        "native/addon/missing.cc",
        "native/addon/args.cc",
        "native/addon/handles.cc",
        "native/addon/source.cc",
        "native/addon/config.cc",
        "native/addon/map.cc",
        "native/addon/reservation.cc",
        "native/addon/sys.cc",
        "native/addon/child.cc",
        "native/addon/fault.cc",
        "native/addon/errormsg.cc",
        "native/addon/pmem2_more.cc",
        "native/addon/inject.cc",
        "native/addon/pmemset_api.cc",
        "native/addon/pmemset_config.cc",
        "native/addon/pmemset_events.cc",
        "native/addon/pmemset_set.cc",
        "native/addon/pmemset_map_config.cc",
        "native/addon/pmemset_map.cc",
        "native/addon/pmemset_part_map.cc",
        "native/addon/pmemset_part.cc",
        "native/addon/pmemset_source.cc",
        "native/addon/pmemset_data.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/libpmemset/include"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-std=c++17", "-Wall", "-Wextra", "-Werror"],
      "libraries": ["-ldl"]
    }
  ]
}
