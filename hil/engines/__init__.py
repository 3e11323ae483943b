"""Host-side helpers of the firmware engines (the TFLM adapter's generated resolver)."""
