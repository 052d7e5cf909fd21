// The namespaces most files of the ONNX reader read, imported once here rather than at the top of each file.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using static TorchSharp.torch;
