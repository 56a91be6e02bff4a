import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aclAllows, applyAcl, childAccess, formatAcl, parseAcl, symbolic, type PathAccess } from './acl.js';

const ME = '11111111-1111-1111-1111-111111111111';
const GROUP = '22222222-2222-2222-2222-222222222222';
const base: PathAccess = { owner: 'someone', group: GROUP, permissions: 'rwxr-x---', acl: '' };

describe('Data Lake POSIX ACLs (learn.microsoft.com … data-lake-storage-access-control)', () => {
  it('owner, named user under the mask, groups, then other', () => {
    assert.equal(aclAllows({ ...base, owner: ME }, ME, [], 'w'), true);
    assert.equal(aclAllows({ ...base, owner: ME, permissions: 'r--rwxrwx' }, ME, [], 'w'), false, 'owner bits only');
    const named = applyAcl(base, `user:${ME}:rwx,mask::r-x`);
    assert.equal(aclAllows(named, ME, [], 'r'), true);
    assert.equal(aclAllows(named, ME, [], 'w'), false, 'the mask limits named entries');
    assert.equal(aclAllows(base, ME, [GROUP], 'x'), true, 'owning group');
    assert.equal(aclAllows(base, ME, [GROUP], 'w'), false);
    assert.equal(aclAllows({ ...base, permissions: 'rwxr-x--x' }, ME, [], 'x'), true, 'other');
    assert.equal(aclAllows(base, ME, [], 'r'), false);
    // A matching group that does not grant denies, even when other would.
    assert.equal(aclAllows({ ...base, permissions: 'rwx---rwx' }, ME, [GROUP], 'r'), false);
  });

  it('Set Access Control: base entries become the bits, the rest is kept; formatted back in order', () => {
    const a = applyAcl(base, `user::rw-,group::r--,other::--x,user:${ME}:r-x,default:user::rwx`);
    assert.equal(a.permissions, 'rw-r----x');
    assert.equal(formatAcl(a), `user::rw-,group::r--,other::--x,user:${ME}:r-x,default:user::rwx`);
    assert.throws(() => parseAcl('user:x:rwz'), /not valid/);
    assert.throws(() => parseAcl('mask:x:rwx'), /not valid/);
    assert.equal(symbolic('0750'), 'rwxr-x---');
    assert.equal(symbolic('rwxr-x---+'), 'rwxr-x---');
    assert.throws(() => symbolic('0999'), /not valid/);
  });

  it('children: the umask 027 without defaults; the default ACL, and for directories the defaults too', () => {
    assert.deepEqual(childAccess(base, ME, false), { owner: ME, group: GROUP, permissions: 'rw-r-----', acl: '' });
    assert.equal(childAccess(base, ME, true).permissions, 'rwxr-x---');
    assert.equal(childAccess(base, ME, true, '0777').permissions, 'rwxr-x---', 'requested bits, under the umask');
    const parent = applyAcl(base, `default:user::rwx,default:group::r-x,default:other::--x,default:user:${ME}:rwx`);
    const file = childAccess(parent, 'creator', false);
    assert.equal(file.permissions, 'rw-r-----', 'files never inherit execute');
    assert.equal(file.acl, `user:${ME}:rwx`);
    assert.equal(aclAllows(file, ME, [], 'w'), true);
    const dir = childAccess(parent, 'creator', true);
    assert.equal(dir.permissions, 'rwxr-x--x');
    assert.match(dir.acl, /default:user:1111/);
  });
});
