{
  "targets": [
    {
      "target_name": "nas_native",
      "sources": [
        "src/addon.cc",
        "src/depthwise.cc",
        "src/pool.cc",
        "src/conv.cc",
        "src/matmul.cc",
        "src/batchnorm.cc",
        "src/copy.cc"
      ],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fopenmp-simd", "-ffp-contract=fast"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
