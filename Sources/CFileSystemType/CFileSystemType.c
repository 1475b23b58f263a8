#include "CFileSystemType.h"

#include <sys/vfs.h>

long long CFileSystemType_of(int fd) {
    struct statfs info;
    return fstatfs(fd, &info) == 0 ? (long long)info.f_type : -1;
}
