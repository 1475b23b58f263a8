enum ExampleTokenServerPlaceholder {}
