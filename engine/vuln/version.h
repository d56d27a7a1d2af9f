/* version.h moved to engine/core/version.h (the VM compares versions too);
   this forwarder keeps older includes building. */
#include "engine/core/version.h"
