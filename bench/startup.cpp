// SPDX-License-Identifier: GPL-2.0-or-later
//
// A C++ program that does nothing, linked as vdpa is (static libstdc++):
// built with and without <iostream> (startup-iostream, startup-plain), the
// difference between the instructions they execute is what <iostream>'s
// static initialization costs every run of a program that includes it, as
// vdpa does through CLI11 (bench.py).
#ifdef WITH_IOSTREAM
#include <iostream>
#endif

int main()
{
    return 0;
}
