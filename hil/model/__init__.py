"""The model side: TFLite parsing, the model catalog, host support checks, test vectors, the TFLM reference."""
