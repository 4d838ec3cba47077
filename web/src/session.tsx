// The signed-in user, shared by every page, and the owner names pages show.
import { createContext, useContext, useEffect, useState } from 'react';
import { api } from './api';
import { canListUsers } from './permissions';
import type { Me, Page, User } from './types';

export const SessionContext = createContext<{ me: Me; logout: () => void } | null>(null);

export function useMe(): Me {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useMe outside a session');
  return s.me;
}

export function useLogout(): () => void {
  const s = useContext(SessionContext);
  return s ? s.logout : () => {};
}

// Users by id for showing owners (admins and managers may list users; others
// see "you" or the id).
let cache: Promise<Map<number, User>> | null = null;
export function useUsers(): Map<number, User> {
  const me = useMe();
  const [users, setUsers] = useState<Map<number, User>>(new Map());
  useEffect(() => {
    if (!canListUsers(me.role)) return;
    cache ??= api
      .get<Page<User>>('/api/v1/users?limit=500')
      .then((p) => new Map(p.items.map((u) => [u.id, u])))
      .catch(() => new Map());
    cache.then(setUsers);
  }, [me.role]);
  return users;
}
export function clearUserCache(): void {
  cache = null;
}

export function ownerName(ownerId: number | null, me: Me, users: Map<number, User>): string {
  if (ownerId === null) return 'unassigned';
  if (ownerId === me.id) return `${me.name} (you)`;
  return users.get(ownerId)?.name ?? `user #${ownerId}`;
}
