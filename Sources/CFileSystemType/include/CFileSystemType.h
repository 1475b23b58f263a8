#ifndef CFILESYSTEMTYPE_H
#define CFILESYSTEMTYPE_H

// fstatfs(2), which Swift's Glibc module does not export: TokenVault needs only the filesystem
// type of an open file, to tell a local filesystem from a network or FUSE one.

/// The filesystem type (`statfs.f_type`, one of linux/magic.h's numbers) of the open file `fd`,
/// or -1 when `fstatfs` fails.
long long CFileSystemType_of(int fd);

#endif
